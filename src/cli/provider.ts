import { once } from 'node:events';
import { isAbsolute, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CONTRACTS } from '../contract/pact-file.ts';
import { type ConsoleIO, EXIT, parseFlags, processIO, UsageError } from '../core/usage.ts';
import { DOCUMENT_VERSIONS, type DocumentVersion, isDocumentVersion } from '../openapi/default-path.ts';
import { FAULT_NAMES, FAULTS, type FaultName, faultNamed, isFaultName } from '../provider/faults.ts';
import { normalizePathPrefix, RouteError } from '../provider/route.ts';
import {
  conformanceFlags,
  DEFAULT_HOST,
  type RunningReferenceProvider,
  startReferenceProvider,
} from '../provider/server.ts';
import { MAX_SEEDED_KEYS } from '../provider/store.ts';

const USAGE =
  'usage: OPENAI_ADMIN_KEY=... npm run provider -- [--port N] [--host H] [--shape seed|current] [--fault NAME] [--keys N] [--prefix /v1] [--state-change-path /_pact/state] | --list-faults';

/** A path as the person would type it from here. */
const typed = (path: string): string => {
  const relativePath = relative(process.cwd(), path);
  return relativePath.startsWith('..') || isAbsolute(relativePath) ? path : relativePath;
};

/** What a conformance run needs beyond the URL and ids to hold the provider to the document it serves. */
const shapeFlags = (shape: DocumentVersion): string[] =>
  shape === 'seed' ? [] : ['--spec', typed(DOCUMENT_VERSIONS[shape]), '--pact', typed(CONTRACTS[shape].path)];

export interface ProviderRunContext {
  env: Record<string, string | undefined>;
  /** Aborted on SIGINT/SIGTERM by the entry point; the provider then closes and the run resolves. */
  stop: AbortSignal;
}

/** `--keys`: how many keys the seeded project holds, both owner types in turn. */
const keysOf = (text: string): number => {
  const keys = /^\d{1,6}$/.test(text) ? Number(text) : Number.NaN;
  if (!(keys >= 2 && keys <= MAX_SEEDED_KEYS)) {
    throw new UsageError(`--keys must be a whole number from 2 to ${MAX_SEEDED_KEYS}, got "${text}"`);
  }
  return keys;
};

const portOf = (text: string, source: string): number => {
  const port = /^\d{1,5}$/.test(text) ? Number(text) : Number.NaN;
  if (!(port >= 0 && port <= 65535))
    throw new UsageError(`${source} must be a port number 0-65535, got "${text}"`);
  return port;
};

// Listen failures caused by the host or port the person chose: their input, not our bug.
const LISTEN_ERRORS: Record<string, string> = {
  EADDRINUSE: 'address in use',
  EACCES: 'permission denied',
  EADDRNOTAVAIL: 'address not available on this machine',
  ENOTFOUND: 'unknown host',
  EAI_AGAIN: 'unknown host',
};

const listFaults = (): string => {
  const width = Math.max(...FAULT_NAMES.map((name) => name.length));
  return FAULTS.map((fault) => `${fault.name.padEnd(width)}  ${fault.description}\n`).join('');
};

/** The command's flags, as node:util parseArgs takes them. */
const PROVIDER_FLAGS = {
  port: { type: 'string' },
  host: { type: 'string' },
  fault: { type: 'string' },
  shape: { type: 'string', default: 'seed' },
  keys: { type: 'string' },
  prefix: { type: 'string' },
  'state-change-path': { type: 'string' },
  'list-faults': { type: 'boolean', default: false },
  help: { type: 'boolean', default: false },
} as const;

/** The flags as given, unknown ones and missing values a UsageError. */
function providerFlagsOf(argv: string[]) {
  return parseFlags({ args: argv, options: PROVIDER_FLAGS }).values;
}

/** What the provider is started with, every flag checked. */
interface ProviderSettings {
  adminKey: string;
  pathPrefix: string;
  fault: FaultName | undefined;
  host: string;
  port: number;
  shape: DocumentVersion;
  keys: number | undefined;
  stateChangePath: string | undefined;
}

/** `provider` as a function of its arguments: serves until `context.stop` aborts; returns the exit code. */
export async function runProvider(
  argv: string[],
  io: ConsoleIO = processIO,
  context: ProviderRunContext = { env: process.env, stop: new AbortController().signal },
): Promise<number> {
  // Where it listens, for the message when it cannot: the defaults until the flags say otherwise.
  const listen = { host: DEFAULT_HOST, port: 0 };
  try {
    const values = providerFlagsOf(argv);
    if (values.help) {
      io.stdout(`${USAGE}\n`);
      return EXIT.ok;
    }
    if (values['list-faults']) {
      io.stdout(listFaults());
      return EXIT.ok;
    }
    const settings = providerSettingsOf(values, context.env, listen);
    const provider = await startReferenceProvider({
      adminKey: settings.adminKey,
      pathPrefix: settings.pathPrefix,
      fault: settings.fault,
      host: settings.host,
      port: settings.port,
      shape: settings.shape,
      ...(settings.keys !== undefined && { keys: settings.keys }),
      ...(settings.stateChangePath !== undefined && { stateChangePath: settings.stateChangePath }),
    });
    io.stdout(listeningLines(provider, settings));
    if (!context.stop.aborted) await once(context.stop, 'abort');
    await provider.close();
    io.stdout('reference provider stopped\n');
    return EXIT.ok;
  } catch (error) {
    return failureCode(io, error, listen);
  }
}

/**
 * The flags and OPENAI_ADMIN_KEY checked in a fixed order, so several wrong ones name the same first;
 * `listen` learns the host and port as soon as they are known.
 */
function providerSettingsOf(
  values: ReturnType<typeof providerFlagsOf>,
  env: ProviderRunContext['env'],
  listen: { host: string; port: number },
): ProviderSettings {
  const fault = values.fault;
  if (fault !== undefined && !isFaultName(fault)) {
    throw new UsageError(`unknown fault "${fault}" (see --list-faults)`);
  }
  const shape = values.shape;
  if (!isDocumentVersion(shape)) throw new UsageError(`--shape must be seed or current, not "${shape}"`);
  if (values.port !== undefined) listen.port = portOf(values.port, '--port');
  else if (env.PORT) listen.port = portOf(env.PORT, 'PORT');
  listen.host = values.host ?? listen.host;
  const keys = values.keys === undefined ? undefined : keysOf(values.keys);
  const pathPrefix = normalizePathPrefix(values.prefix);
  const adminKey = env.OPENAI_ADMIN_KEY;
  if (!adminKey)
    throw new UsageError(`OPENAI_ADMIN_KEY is not set: it is the admin key the provider accepts (${USAGE})`);
  const stateChangePath = values['state-change-path'];
  if (stateChangePath !== undefined && !/^\/[A-Za-z0-9._~/-]*$/.test(stateChangePath)) {
    throw new UsageError(`--state-change-path must be a plain absolute path, not "${stateChangePath}"`);
  }
  return { adminKey, pathPrefix, fault, ...listen, shape, keys, stateChangePath };
}

/** What the person needs to use the provider: where it is, what it holds, and how to verify it. */
function listeningLines(provider: RunningReferenceProvider, settings: ProviderSettings): string {
  const { seed } = provider;
  const { fault, keys, shape, stateChangePath } = settings;
  return [
    `reference provider listening on ${provider.url}`,
    `  project_id                 ${seed.projectId}`,
    `  key_id (owned by a user)   ${seed.userKeyId}`,
    `  key_id (service account)   ${seed.serviceAccountKeyId}`,
    `  keys in the project        ${keys ?? 2} (listed at GET ${provider.url}/organization/projects/${seed.projectId}/api_keys)`,
    `  shape                      ${shape} (${typed(DOCUMENT_VERSIONS[shape])})`,
    `  fault                      ${fault ? `${fault}: ${faultNamed(fault).description}` : 'none'}`,
    ...(provider.otherOrigin ? [`  other origin               ${provider.otherOrigin.url}`] : []),
    ...(stateChangePath === undefined
      ? []
      : [`  provider states (Pact)     ${new URL(stateChangePath, provider.url).href}`]),
    'verify it with the same OPENAI_ADMIN_KEY:',
    `  npm run conformance -- ${[...conformanceFlags(provider), ...shapeFlags(shape)].join(' ')}`,
    '',
  ].join('\n');
}

/** One line on stderr and the exit code: 2 for the person's input (flags, host, port), 3 for our bug. */
function failureCode(io: ConsoleIO, error: unknown, listen: { host: string; port: number }): number {
  if (error instanceof UsageError || error instanceof RouteError) {
    io.stderr(`provider: ${error.message}\n`);
    return EXIT.usage;
  }
  const code = (error as NodeJS.ErrnoException).code;
  if (code && code in LISTEN_ERRORS) {
    io.stderr(`provider: cannot listen on ${listen.host}:${listen.port}: ${LISTEN_ERRORS[code]}\n`);
    return EXIT.usage;
  }
  io.stderr(`provider: internal error: ${(error as Error).message}\n`);
  return EXIT.internal;
}

/** The command as the installed CLI runs it: serves until SIGINT or SIGTERM. */
export const main = (argv: string[]): Promise<number> => {
  const controller = new AbortController();
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => controller.abort());
  return runProvider(argv, processIO, { env: process.env, stop: controller.signal });
};

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
