import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BrokerError } from '../broker/broker-error.ts';
import { BrokerCredentialsError, brokerCredentialsFrom, credentialSecretsIn } from '../broker/credentials.ts';
import {
  DEFAULT_PUBLISH_MAX_TIME_MS,
  NoPactsError,
  type PublishPactsOptions,
  publishPacts,
} from '../broker/publish-pacts.ts';
import { httpUrlFlag, integerFlag, MAX_TIME_RANGE } from '../conformance/config.ts';
import { CONTRACT_PATH } from '../contract/pact-file.ts';
import { type ConsoleIO, EXIT, parseFlags, processIO, UsageError } from '../core/usage.ts';
import { PactBinaryMissingError } from '../pact/binary.ts';
import { consoleWriter } from '../report/console-writer.ts';

const USAGE = `usage: npm run pact:publish -- --broker-url URL --consumer-version V [--branch B] [--tag T]...
  [--build-url URL] [--max-time MS]
Publishes every pact in contracts/ with the official pact CLI, stopping it after --max-time ms (default
${DEFAULT_PUBLISH_MAX_TIME_MS}). PACT_BROKER_BASE_URL may stand for --broker-url; credentials come from
PACT_BROKER_TOKEN, or PACT_BROKER_USERNAME and PACT_BROKER_PASSWORD, in the environment only.`;

const SIGNAL_EXIT: Record<'SIGINT' | 'SIGTERM', number> = { SIGINT: 130, SIGTERM: 143 };

/** Where `npm run contracts:update` writes the pacts. */
export const CONTRACTS_DIR = dirname(CONTRACT_PATH);

/** What to publish, from the flags and the environment; undefined for --help. Throws UsageErrors. */
function publishRequest(
  argv: string[],
  env: NodeJS.ProcessEnv,
  pactDir: string,
): Omit<PublishPactsOptions, 'signal'> | undefined {
  const { values } = parseFlags({
    args: argv,
    options: {
      'broker-url': { type: 'string' },
      'consumer-version': { type: 'string' },
      branch: { type: 'string' },
      tag: { type: 'string', multiple: true },
      'build-url': { type: 'string' },
      'max-time': { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) return undefined;
  const fromEnv = env.PACT_BROKER_BASE_URL?.trim();
  const brokerUrl =
    values['broker-url'] !== undefined
      ? httpUrlFlag('--broker-url', values['broker-url'])
      : fromEnv
        ? httpUrlFlag('PACT_BROKER_BASE_URL', fromEnv)
        : undefined;
  if (brokerUrl === undefined) throw new UsageError('--broker-url (or PACT_BROKER_BASE_URL) is required');
  const consumerVersion = values['consumer-version'];
  if (consumerVersion === undefined) throw new UsageError('--consumer-version is required');
  for (const [name, value] of Object.entries({
    'consumer-version': consumerVersion,
    branch: values.branch,
  })) {
    if (value !== undefined && value.trim() === '') throw new UsageError(`--${name} is empty`);
  }
  if (values.tag?.some((tag) => tag.trim() === '')) throw new UsageError('--tag is empty');
  const buildUrl =
    values['build-url'] === undefined ? undefined : httpUrlFlag('--build-url', values['build-url']);
  const maxTimeMs = integerFlag('max-time', values['max-time'], DEFAULT_PUBLISH_MAX_TIME_MS, MAX_TIME_RANGE);
  const credentials = brokerCredentialsFrom(env);
  return {
    brokerUrl,
    ...(credentials && { credentials }),
    pactDir,
    consumerVersion,
    ...(values.branch !== undefined && { branch: values.branch }),
    ...(values.tag && { tags: values.tag }),
    ...(buildUrl && { buildUrl }),
    env,
    maxTimeMs,
  };
}

/**
 * `pact:publish` as a function: returns the exit code (0 published, 1 the broker refused, 2 usage or a
 * broker that cannot be used, 130/143 interrupted). A signal stops the pact CLI with everything it started.
 */
export const runPactPublish = async (
  argv: string[],
  given: ConsoleIO = processIO,
  env: NodeJS.ProcessEnv = process.env,
  pactDir: string = CONTRACTS_DIR,
  signals: Pick<NodeJS.EventEmitter, 'once' | 'removeListener'> = process,
): Promise<number> => {
  // Every line printed, the official CLI's output included, goes out through the console writer.
  const io = consoleWriter(given, () => credentialSecretsIn(env));
  const fail = (message: string, code: number): number => {
    io.stderr(`pact:publish: ${message}\n`);
    return code;
  };
  const interrupted = new AbortController();
  const handlers = {
    SIGINT: () => interrupted.abort('SIGINT'),
    SIGTERM: () => interrupted.abort('SIGTERM'),
  };
  signals.once('SIGINT', handlers.SIGINT);
  signals.once('SIGTERM', handlers.SIGTERM);
  try {
    const request = publishRequest(argv, env, pactDir);
    if (request === undefined) {
      io.stdout(`${USAGE}\n`);
      return EXIT.ok;
    }
    const { brokerUrl, maxTimeMs } = request;
    io.stdout(
      `publishing the pacts in ${pactDir} to the Pact Broker ${brokerUrl} (at most ${maxTimeMs} ms)\n`,
    );
    const published = await publishPacts({ ...request, signal: interrupted.signal });
    if (published.stdout)
      io.stdout(published.stdout.endsWith('\n') ? published.stdout : `${published.stdout}\n`);
    if (published.code !== 0) {
      if (published.stderr)
        io.stderr(published.stderr.endsWith('\n') ? published.stderr : `${published.stderr}\n`);
      return fail(
        `the Pact Broker ${brokerUrl} did not take the pacts (pact broker publish exited ${published.code})`,
        EXIT.failed,
      );
    }
    return EXIT.ok;
  } catch (error) {
    if (interrupted.signal.aborted) {
      const name = interrupted.signal.reason as keyof typeof SIGNAL_EXIT;
      return fail(`interrupted by ${name}: the pact CLI was stopped`, SIGNAL_EXIT[name]);
    }
    if (
      error instanceof UsageError ||
      error instanceof BrokerError ||
      error instanceof BrokerCredentialsError ||
      error instanceof NoPactsError ||
      error instanceof PactBinaryMissingError
    ) {
      return fail(error.message, EXIT.usage);
    }
    return fail(`internal error: ${(error as Error).message.split('\n')[0]}`, EXIT.internal);
  } finally {
    signals.removeListener('SIGINT', handlers.SIGINT);
    signals.removeListener('SIGTERM', handlers.SIGTERM);
  }
};

export const main = (argv: string[]): Promise<number> => runPactPublish(argv);

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  runPactPublish(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
