import { randomInt } from 'node:crypto';
import {
  type BrokerCredentials,
  BrokerCredentialsError,
  brokerCredentialsFrom,
} from '../broker/credentials.ts';
import { type ConsumerVersionSelector, DEFAULT_CONSUMER_VERSION_SELECTORS } from '../broker/selectors.ts';
import type { PactSource } from '../contract/pact.ts';
import { CONTRACT_PATH, PROVIDER } from '../contract/pact-file.ts';
import { MAX_JSON_DEPTH, nestedDeeperThan } from '../core/json.ts';
import { truncateText } from '../core/truncate.ts';
import { parseFlags, UsageError } from '../core/usage.ts';
import { DEFAULT_SPEC_PATH, type DocumentVersion, isDocumentVersion } from '../openapi/default-path.ts';
import { prepareReportDir, ReportDirError } from '../report/report-dir.ts';
import { withoutUserinfo } from '../secrets/userinfo.ts';

/** The committed pact the consumer tests produce. */
export const DEFAULT_PACT_PATH = CONTRACT_PATH;
export const DEFAULT_REPORT_DIR = 'reports';
/** The whole run's deadline: past it the run stops, writes what it has, marked incomplete, and exits 1. */
export const DEFAULT_MAX_TIME_MS = 300_000;

/** Ids on the target for the provider states; a state whose ids are missing is skipped, not passed. */
export interface TargetIds {
  projectId?: string;
  userKeyId?: string;
  serviceAccountKeyId?: string;
}

export interface RunConfig {
  /** Undefined: start the bundled reference provider. */
  baseUrl?: string;
  ids: TargetIds;
  /** From OPENAI_ADMIN_KEY only; never from a flag, never written anywhere. */
  adminKey?: string;
  reportDir: string;
  timeoutMs: number;
  retries: number;
  strict: boolean;
  specPath: string;
  /** The pacts to verify, each in its own verifier run, in this order (a broker's replace them). */
  pacts: PactSource[];
  /** --sweep: every listed key of the project retrieved and checked, besides the provider states. */
  sweep: boolean;
  /** --max-keys: list entries discovery and the sweep read at most. */
  maxKeys: number;
  /** --concurrency: the sweep's requests in flight. */
  concurrency: number;
  /** The whole run's deadline: past it the run stops, writes what it gathered and exits 1. */
  maxTimeMs: number;
  /** More documents every live 2xx key body is validated against, for the reports' matrix; no verdict. */
  alsoSpecPaths: string[];
  /** Without --base-url: which shipped document's shape the bundled reference provider serves. */
  referenceShape: DocumentVersion;
  /** Set: verify the pacts a Pact Broker selects instead of the `--pact` files. */
  broker?: BrokerSource;
  /** How many generated requests the probe stage sends (`--probes`); 0 turns it off. */
  probes: number;
  /** Every generated value of the run comes from it: the probes, the unknown key id, the invalid admin key. */
  seed: number;
  /** `--other-project-id`: a real second project, under which no known key may be returned. */
  otherProjectId?: string;
}

/** Where the pacts come from when they come from a Pact Broker, and what to tell it. */
export interface BrokerSource {
  brokerUrl: string;
  /** From PACT_BROKER_TOKEN, or PACT_BROKER_USERNAME and PACT_BROKER_PASSWORD, only; never written anywhere. */
  credentials?: BrokerCredentials;
  /** The provider's name on the broker, as the consumers' pacts name it. */
  providerName: string;
  providerVersion: string;
  providerBranch?: string;
  consumerVersionSelectors: readonly ConsumerVersionSelector[];
  enablePending: boolean;
  includeWipPactsSince?: string;
  /** The one pact to verify, by its URL on the broker (a webhook's pact_url), instead of selectors. */
  pactUrl?: string;
  /** Publish each pact's verification result, only for a run that finished. */
  publishResults: boolean;
}

export const USAGE = `usage: npm run conformance -- [--base-url URL] [--project-id ID] [--user-key-id ID]
  [--service-account-key-id ID] [--sweep] [--max-keys N] [--concurrency N]
  [--report-dir DIR] [--timeout MS] [--retries N] [--max-time MS]
  [--strict] [--spec FILE] [--also-spec FILE]... [--reference-shape seed|current]
  [--probes N] [--seed S] [--other-project-id ID]
  [--pact FILE... | --broker-url URL --provider-version V [--provider-branch B] [--provider-name NAME]
  [--consumer-version-selectors JSON | --pact-url URL] [--enable-pending]
  [--include-wip-pacts-since DATE] [--publish-results]]
The admin key is read from the environment variable OPENAI_ADMIN_KEY only. PACT_BROKER_BASE_URL may
stand for --broker-url; broker credentials come from PACT_BROKER_TOKEN, or PACT_BROKER_USERNAME and
PACT_BROKER_PASSWORD, in the environment only.`;

/** A timer fires after at most 2^31-1 ms; ten minutes per attempt is already the official SDK's default. */
export const TIMEOUT_RANGE = { min: 1, max: 600_000 } as const;
/** A few retries get past a transient fault; thousands only multiply a permanent one. */
export const RETRIES_RANGE = { min: 0, max: 10 } as const;
/** A whole run may take up to a day; a timer cannot wait longer than 2^31-1 ms anyway. */
export const MAX_TIME_RANGE = { min: 1, max: 86_400_000 } as const;
/** List entries discovery and the sweep read at most. */
export const MAX_KEYS_RANGE = { min: 1, max: 100_000 } as const;
export const DEFAULT_MAX_KEYS = 1000;
/** The sweep's requests in flight: enough to be quick, too few to look like an attack on a live target. */
export const CONCURRENCY_RANGE = { min: 1, max: 32 } as const;
export const DEFAULT_CONCURRENCY = 4;
/** Generated requests per run: enough to find what a few hand-picked ones miss, never a load test. */
export const PROBES_RANGE = { min: 0, max: 1000 } as const;
export const DEFAULT_PROBES = 40;
/** A seed is what fast-check takes: a 32-bit integer, given here unsigned. */
export const SEED_RANGE = { min: 0, max: 4_294_967_295 } as const;

/** A fresh seed for a run given none: printed at its start, so the run can be replayed. */
export const randomSeed = (): number => randomInt(0, 2 ** 31);

/** A whole-number flag within `range`, or its fallback when not given; out of range is a UsageError. */
export const integerFlag = (
  name: string,
  value: string | undefined,
  fallback: number,
  range: { min: number; max: number },
  unit = '',
): number => {
  if (value === undefined) return fallback;
  const number = /^\d{1,16}$/.test(value) ? Number(value) : Number.NaN;
  if (!(number >= range.min && number <= range.max)) {
    throw new UsageError(
      `--${name} must be a whole number${unit} from ${range.min} to ${range.max}, not ${JSON.stringify(truncateText(value, 40))}`,
    );
  }
  return number;
};

/** What a character is, for a message that must not repeat the text it is in. */
const kindOf = (code: number): string | undefined => {
  if (code === 0x20) return 'a space';
  if (code === 0x09) return 'a tab';
  if (code === 0x0a || code === 0x0d) return 'a line break';
  if (code < 0x20 || (code >= 0x7f && code <= 0x9f)) return 'a control character';
  if (/\s/.test(String.fromCharCode(code))) return 'whitespace';
  return undefined;
};

/** The first character of `text` that `refuse` names, with its position (from 1), or undefined. */
const firstRefused = (
  text: string,
  refuse: (code: number) => string | undefined,
): { what: string; at: number } | undefined => {
  for (let i = 0; i < text.length; i++) {
    const what = refuse(text.charCodeAt(i));
    if (what) return { what, at: i + 1 };
  }
  return undefined;
};

/**
 * The admin key, when it is one a header can carry unchanged: printable ASCII, no whitespace. A key
 * pasted with a newline or a typographic dash would otherwise fail every request for a reason no
 * report could name. The message never repeats the key.
 */
const adminKeyOf = (env: NodeJS.ProcessEnv): string | undefined => {
  const key = env.OPENAI_ADMIN_KEY;
  if (key === undefined || key === '') return undefined;
  const refused = firstRefused(
    key,
    (code) => kindOf(code) ?? (code > 0x7e ? 'a non-ASCII character' : undefined),
  );
  if (refused) {
    throw new UsageError(
      `OPENAI_ADMIN_KEY contains ${refused.what} (character ${refused.at} of ${key.length}); an admin key is printable ASCII with no whitespace`,
    );
  }
  return key;
};

/**
 * An id as the person gave it, or a UsageError: an id is one path segment, so it cannot be empty,
 * `.` or `..` (which name the segment's parents), or hold control characters or unpaired surrogates.
 */
const idOf = (flag: string, id: string | undefined): string | undefined => {
  if (id === undefined) return undefined;
  if (id.trim() === '') throw new UsageError(`--${flag} is empty`);
  if (id === '.' || id === '..') {
    throw new UsageError(`--${flag} is "${id}", which would name another path, not an id`);
  }
  const refused = firstRefused(id, (code) => {
    if (code < 0x20 || (code >= 0x7f && code <= 0x9f)) return 'a control character';
    return undefined;
  });
  if (refused) throw new UsageError(`--${flag} contains ${refused.what} (character ${refused.at})`);
  if (/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(id)) {
    throw new UsageError(`--${flag} is not valid Unicode (an unpaired surrogate)`);
  }
  return id;
};

/**
 * The report dir, checked before any traffic: not a file, not under /proc, /sys or /dev, writable;
 * created when missing. A UsageError (exit 2) otherwise, never a hang.
 */
export const checkReportDir = (dir: string): void => {
  try {
    prepareReportDir(dir);
  } catch (error) {
    if (error instanceof ReportDirError) throw new UsageError(`--report-dir ${dir}: ${error.reason}`);
    throw error;
  }
};

/** An http(s) URL without credentials, query or fragment, trailing slashes dropped; `source` names it. */
export const httpUrlFlag = (source: string, value: string): string => {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    // Not a URL, so no parser says where its userinfo is: withoutUserinfo drops all it could be.
    throw new UsageError(
      `${source} is not a URL: ${JSON.stringify(truncateText(withoutUserinfo(value), 200))}`,
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UsageError(`${source} must be http or https, not ${url.protocol.replace(':', '')}`);
  }
  if (url.username || url.password) throw new UsageError(`${source} must not carry credentials`);
  if (url.search || url.hash) throw new UsageError(`${source} must not carry a query or fragment`);
  // `(?<!\/)`: only a run's first slash may start a match, so a long run is read once, not once per slash.
  return url.href.replace(/(?<!\/)\/+$/, '');
};

/** `--consumer-version-selectors`: a JSON object or a non-empty array of them, as the broker takes them. */
export const selectorsFlag = (value: string): ConsumerVersionSelector[] => {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch (error) {
    throw new UsageError(`--consumer-version-selectors is not JSON: ${(error as Error).message}`);
  }
  if (nestedDeeperThan(parsed)) {
    throw new UsageError(`--consumer-version-selectors nests more than ${MAX_JSON_DEPTH} levels deep`);
  }
  const selectors = Array.isArray(parsed) ? parsed : [parsed];
  if (selectors.length === 0) {
    throw new UsageError('--consumer-version-selectors is an empty list: leave it out for the default');
  }
  for (const [index, selector] of selectors.entries()) {
    if (typeof selector !== 'object' || selector === null || Array.isArray(selector)) {
      throw new UsageError(`--consumer-version-selectors: selector ${index} is not a JSON object`);
    }
    if (Object.keys(selector).length === 0) {
      throw new UsageError(`--consumer-version-selectors: selector ${index} is empty`);
    }
  }
  return selectors as ConsumerVersionSelector[];
};

/** `--include-wip-pacts-since`: a calendar date (or an ISO date-time), as the broker takes it. */
const dateFlag = (value: string): string => {
  const date = /^(\d{4})-(\d{2})-(\d{2})(?:T[\d:.]+(?:Z|[+-]\d{2}:?\d{2})?)?$/.exec(value);
  const valid =
    date !== null &&
    !Number.isNaN(Date.parse(value)) &&
    new Date(Date.UTC(Number(date[1]), Number(date[2]) - 1, Number(date[3]))).getUTCDate() ===
      Number(date[3]);
  if (!valid)
    throw new UsageError(
      `--include-wip-pacts-since must be a date like 2024-01-31, not ${JSON.stringify(value)}`,
    );
  return value;
};

const BROKER_FLAGS = [
  'provider-name',
  'provider-version',
  'provider-branch',
  'consumer-version-selectors',
  'pact-url',
  'enable-pending',
  'include-wip-pacts-since',
  'publish-results',
] as const;

type BrokerFlagValues = { [name in (typeof BROKER_FLAGS)[number]]?: string | boolean } & {
  'broker-url'?: string;
  pact?: string[];
};

/** The broker flags to a BrokerSource; undefined when the pacts do not come from a broker. */
const brokerSourceOf = (values: BrokerFlagValues, env: NodeJS.ProcessEnv): BrokerSource | undefined => {
  const fromEnv = env.PACT_BROKER_BASE_URL?.trim() ? env.PACT_BROKER_BASE_URL.trim() : undefined;
  if (values['broker-url'] !== undefined && values.pact !== undefined) {
    throw new UsageError(
      "--pact and --broker-url cannot be used together: verify a pact file or the broker's pacts",
    );
  }
  // A pact file named on the command line wins over a broker URL from the environment.
  const brokerUrl =
    values['broker-url'] !== undefined
      ? httpUrlFlag('--broker-url', values['broker-url'])
      : values.pact === undefined && fromEnv !== undefined
        ? httpUrlFlag('PACT_BROKER_BASE_URL', fromEnv)
        : undefined;
  if (brokerUrl === undefined) {
    const given = BROKER_FLAGS.find((name) => values[name] !== undefined && values[name] !== false);
    if (given) throw new UsageError(`--${given} needs --broker-url (or PACT_BROKER_BASE_URL)`);
    return undefined;
  }
  const text = (name: (typeof BROKER_FLAGS)[number]): string | undefined => {
    const value = values[name];
    if (typeof value !== 'string') return undefined;
    if (value.trim() === '') throw new UsageError(`--${name} is empty`);
    return value;
  };
  const providerVersion = text('provider-version');
  if (providerVersion === undefined) {
    throw new UsageError(`verifying the pacts of the Pact Broker ${brokerUrl} needs --provider-version`);
  }
  const providerName = text('provider-name') ?? PROVIDER;
  const providerBranch = text('provider-branch');
  const selectors = text('consumer-version-selectors');
  const wipSince = text('include-wip-pacts-since');
  const pactUrl = text('pact-url');
  if (pactUrl !== undefined) {
    if (selectors !== undefined || wipSince !== undefined) {
      throw new UsageError(
        '--pact-url names the one pact to verify: it cannot be used with selectors or WIP pacts',
      );
    }
    if (new URL(httpUrlFlag('--pact-url', pactUrl)).origin !== new URL(brokerUrl).origin) {
      throw new UsageError(`--pact-url must be a pact on the Pact Broker ${brokerUrl}`);
    }
  }
  if (wipSince !== undefined && providerBranch === undefined) {
    // The broker works WIP pacts out per provider branch; without one it silently returns none.
    throw new UsageError('--include-wip-pacts-since needs --provider-branch');
  }
  let credentials: BrokerCredentials | undefined;
  try {
    credentials = brokerCredentialsFrom(env);
  } catch (error) {
    if (error instanceof BrokerCredentialsError) throw new UsageError(error.message);
    throw error;
  }
  return {
    brokerUrl,
    ...(credentials && { credentials }),
    providerName,
    providerVersion,
    ...(providerBranch !== undefined && { providerBranch }),
    consumerVersionSelectors:
      selectors === undefined ? DEFAULT_CONSUMER_VERSION_SELECTORS : selectorsFlag(selectors),
    enablePending: values['enable-pending'] === true,
    ...(wipSince !== undefined && { includeWipPactsSince: dateFlag(wipSince) }),
    ...(pactUrl !== undefined && { pactUrl: httpUrlFlag('--pact-url', pactUrl) }),
    publishResults: values['publish-results'] === true,
  };
};

/** The command's flags, as node:util parseArgs takes them. */
const RUN_FLAGS = {
  'base-url': { type: 'string' },
  'project-id': { type: 'string' },
  'user-key-id': { type: 'string' },
  'service-account-key-id': { type: 'string' },
  'report-dir': { type: 'string' },
  timeout: { type: 'string' },
  retries: { type: 'string' },
  'max-time': { type: 'string' },
  sweep: { type: 'boolean', default: false },
  'max-keys': { type: 'string' },
  concurrency: { type: 'string' },
  strict: { type: 'boolean', default: false },
  spec: { type: 'string' },
  pact: { type: 'string', multiple: true },
  'also-spec': { type: 'string', multiple: true },
  'reference-shape': { type: 'string' },
  'broker-url': { type: 'string' },
  'provider-name': { type: 'string' },
  'provider-version': { type: 'string' },
  'provider-branch': { type: 'string' },
  'consumer-version-selectors': { type: 'string' },
  'pact-url': { type: 'string' },
  'enable-pending': { type: 'boolean' },
  'include-wip-pacts-since': { type: 'string' },
  'publish-results': { type: 'boolean' },
  probes: { type: 'string' },
  seed: { type: 'string' },
  'other-project-id': { type: 'string' },
  help: { type: 'boolean', default: false },
} as const;

/** The flags as given, unknown ones and missing values a UsageError. */
function runFlagsOf(argv: string[]) {
  return parseFlags({ args: argv, options: RUN_FLAGS }).values;
}

type RunFlags = ReturnType<typeof runFlagsOf>;

/**
 * Flags and environment to a RunConfig, or a UsageError naming the one thing wrong. The checks go in
 * a fixed order (target, ids, report dir, broker, numbers), so several wrong flags name the same first.
 */
export function parseRunConfig(argv: string[], env: NodeJS.ProcessEnv): RunConfig | 'help' {
  const values = runFlagsOf(argv);
  if (values.help) return 'help';
  const { adminKey, baseUrl, referenceShape } = targetOf(values, env);
  const { ids, otherProjectId } = idsOf(values, baseUrl);
  const reportDir = values['report-dir'] ?? DEFAULT_REPORT_DIR;
  if (reportDir === '') throw new UsageError('--report-dir is empty');
  const broker = brokerSourceOf(values, env);
  return {
    baseUrl,
    ids,
    adminKey,
    reportDir,
    timeoutMs: integerFlag('timeout', values.timeout, 10_000, TIMEOUT_RANGE, ' of milliseconds'),
    retries: integerFlag('retries', values.retries, 2, RETRIES_RANGE),
    sweep: values.sweep,
    maxKeys: integerFlag('max-keys', values['max-keys'], DEFAULT_MAX_KEYS, MAX_KEYS_RANGE),
    concurrency: integerFlag('concurrency', values.concurrency, DEFAULT_CONCURRENCY, CONCURRENCY_RANGE),
    strict: values.strict,
    specPath: values.spec ?? DEFAULT_SPEC_PATH,
    pacts: (values.pact ?? [DEFAULT_PACT_PATH]).map((path) => ({ path })),
    maxTimeMs: integerFlag(
      'max-time',
      values['max-time'],
      DEFAULT_MAX_TIME_MS,
      MAX_TIME_RANGE,
      ' of milliseconds',
    ),
    alsoSpecPaths: values['also-spec'] ?? [],
    referenceShape: referenceShape ?? 'seed',
    ...(broker && { broker }),
    probes: integerFlag('probes', values.probes, DEFAULT_PROBES, PROBES_RANGE),
    seed: integerFlag('seed', values.seed, randomSeed(), SEED_RANGE),
    ...(otherProjectId !== undefined && { otherProjectId }),
  };
}

/** What is verified: --base-url with the admin key it needs, or the bundled provider in --reference-shape. */
function targetOf(
  values: RunFlags,
  env: NodeJS.ProcessEnv,
): { adminKey?: string; baseUrl?: string; referenceShape?: DocumentVersion } {
  const adminKey = adminKeyOf(env);
  const baseUrl =
    values['base-url'] === undefined ? undefined : httpUrlFlag('--base-url', values['base-url']);
  if (baseUrl && !adminKey) {
    throw new UsageError('--base-url needs the admin key in the environment variable OPENAI_ADMIN_KEY');
  }
  const referenceShape = values['reference-shape'];
  if (referenceShape !== undefined && !isDocumentVersion(referenceShape)) {
    throw new UsageError(`--reference-shape must be seed or current, not ${JSON.stringify(referenceShape)}`);
  }
  if (referenceShape !== undefined && baseUrl) {
    throw new UsageError(
      '--reference-shape is for the bundled reference provider; it cannot go with --base-url',
    );
  }
  return { adminKey, baseUrl, referenceShape };
}

/** The ids on the target, and the flags that need them (--sweep, --concurrency, --other-project-id). */
function idsOf(values: RunFlags, baseUrl: string | undefined): { ids: TargetIds; otherProjectId?: string } {
  const ids: TargetIds = {
    projectId: idOf('project-id', values['project-id']),
    userKeyId: idOf('user-key-id', values['user-key-id']),
    serviceAccountKeyId: idOf('service-account-key-id', values['service-account-key-id']),
  };
  if (values.sweep && baseUrl && ids.projectId === undefined) {
    throw new UsageError('--sweep needs --project-id: the project whose keys are listed and retrieved');
  }
  if (values.concurrency !== undefined && !values.sweep) {
    throw new UsageError("--concurrency is the sweep's: it needs --sweep");
  }
  const otherProjectId = idOf('other-project-id', values['other-project-id']);
  if (otherProjectId !== undefined && otherProjectId === ids.projectId) {
    throw new UsageError('--other-project-id must name another project than --project-id');
  }
  return { ids, otherProjectId };
}
