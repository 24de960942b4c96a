import { parseFlags, UsageError } from '../cli/usage.ts';
import type { PactSource } from '../contract/pact.ts';
import { CONTRACT_PATH } from '../contract/pact-file.ts';
import { DEFAULT_SPEC_PATH } from '../spec/default-path.ts';

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
  /** The pacts to verify, each in its own verifier run, in this order. */
  pacts: PactSource[];
  maxTimeMs: number;
}

export const USAGE = `usage: npm run conformance -- [--base-url URL] [--project-id ID] [--user-key-id ID]
  [--service-account-key-id ID] [--report-dir DIR] [--timeout MS] [--retries N] [--max-time MS]
  [--strict] [--spec FILE] [--pact FILE]...
The admin key is read from the environment variable OPENAI_ADMIN_KEY only.`;

const integerFlag = (name: string, value: string | undefined, fallback: number, min: number): number => {
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value) || Number(value) < min) {
    throw new UsageError(`--${name} must be a whole number of at least ${min}, not ${JSON.stringify(value)}`);
  }
  return Number(value);
};

const baseUrlFlag = (value: string): string => {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UsageError(`--base-url is not a URL: ${JSON.stringify(value)}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UsageError(`--base-url must be http or https, not ${url.protocol.replace(':', '')}`);
  }
  if (url.username || url.password) throw new UsageError('--base-url must not carry credentials');
  if (url.search || url.hash) throw new UsageError('--base-url must not carry a query or fragment');
  return url.href.replace(/\/+$/, '');
};

/** Flags and environment to a RunConfig, or a UsageError naming the one thing wrong. */
export const parseRunConfig = (argv: string[], env: NodeJS.ProcessEnv): RunConfig | 'help' => {
  const { values } = parseFlags({
    args: argv,
    options: {
      'base-url': { type: 'string' },
      'project-id': { type: 'string' },
      'user-key-id': { type: 'string' },
      'service-account-key-id': { type: 'string' },
      'report-dir': { type: 'string' },
      timeout: { type: 'string' },
      retries: { type: 'string' },
      'max-time': { type: 'string' },
      strict: { type: 'boolean', default: false },
      spec: { type: 'string' },
      pact: { type: 'string', multiple: true },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) return 'help';
  const adminKey = env.OPENAI_ADMIN_KEY?.trim() || undefined;
  const baseUrl = values['base-url'] === undefined ? undefined : baseUrlFlag(values['base-url']);
  if (baseUrl && !adminKey) {
    throw new UsageError('--base-url needs the admin key in the environment variable OPENAI_ADMIN_KEY');
  }
  for (const flag of ['project-id', 'user-key-id', 'service-account-key-id'] as const) {
    if (values[flag] !== undefined && values[flag].trim() === '') throw new UsageError(`--${flag} is empty`);
  }
  return {
    baseUrl,
    ids: {
      projectId: values['project-id'],
      userKeyId: values['user-key-id'],
      serviceAccountKeyId: values['service-account-key-id'],
    },
    adminKey,
    reportDir: values['report-dir'] ?? DEFAULT_REPORT_DIR,
    timeoutMs: integerFlag('timeout', values.timeout, 10_000, 1),
    retries: integerFlag('retries', values.retries, 2, 0),
    strict: values.strict,
    specPath: values.spec ?? DEFAULT_SPEC_PATH,
    pacts: (values.pact ?? [DEFAULT_PACT_PATH]).map((path) => ({ path })),
    maxTimeMs: integerFlag('max-time', values['max-time'], DEFAULT_MAX_TIME_MS, 1),
  };
};
