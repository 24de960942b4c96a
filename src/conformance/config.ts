import { parseFlags, UsageError } from '../cli/usage.ts';
import { CONTRACT_PATH } from '../contract/pact-file.ts';
import { DEFAULT_SPEC_PATH, type DocumentVersion, isDocumentVersion } from '../spec/document.ts';

/** The committed pact the consumer tests produce. */
export const DEFAULT_PACT_PATH = CONTRACT_PATH;
export const DEFAULT_REPORT_DIR = 'reports';

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
  pactPath: string;
  /** More documents every live 2xx key body is validated against, for the reports' matrix; no verdict. */
  alsoSpecPaths: string[];
  /** Without --base-url: which shipped document's shape the bundled reference provider serves. */
  referenceShape: DocumentVersion;
}

export const USAGE = `usage: npm run conformance -- [--base-url URL] [--project-id ID] [--user-key-id ID]
  [--service-account-key-id ID] [--report-dir DIR] [--timeout MS] [--retries N] [--strict]
  [--spec FILE] [--pact FILE] [--also-spec FILE]... [--reference-shape seed|current]
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
      strict: { type: 'boolean', default: false },
      spec: { type: 'string' },
      pact: { type: 'string' },
      'also-spec': { type: 'string', multiple: true },
      'reference-shape': { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) return 'help';
  const adminKey = env.OPENAI_ADMIN_KEY?.trim() || undefined;
  const baseUrl = values['base-url'] === undefined ? undefined : baseUrlFlag(values['base-url']);
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
    pactPath: values.pact ?? DEFAULT_PACT_PATH,
    alsoSpecPaths: values['also-spec'] ?? [],
    referenceShape: referenceShape ?? 'seed',
  };
};
