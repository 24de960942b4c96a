import { parseFlags, UsageError } from '../cli/usage.ts';
import { CONTRACT_PATH } from '../contract/pact-file.ts';
import { prepareReportDir, ReportDirError } from '../report/report-dir.ts';
import { DEFAULT_SPEC_PATH } from '../spec/document.ts';
import { truncateText } from '../truncate.ts';

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
}

export const USAGE = `usage: npm run conformance -- [--base-url URL] [--project-id ID] [--user-key-id ID]
  [--service-account-key-id ID] [--report-dir DIR] [--timeout MS] [--retries N] [--strict]
  [--spec FILE] [--pact FILE]
The admin key is read from the environment variable OPENAI_ADMIN_KEY only.`;

/** A timer fires after at most 2^31-1 ms; ten minutes per attempt is already the official SDK's default. */
export const TIMEOUT_RANGE = { min: 1, max: 600_000 } as const;
/** A few retries get past a transient fault; thousands only multiply a permanent one. */
export const RETRIES_RANGE = { min: 0, max: 10 } as const;

const integerFlag = (
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
  // `(?<!\/)`: only a run's first slash may start a match, so a long run is read once, not once per slash.
  return url.href.replace(/(?<!\/)\/+$/, '');
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
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) return 'help';
  const adminKey = adminKeyOf(env);
  const baseUrl = values['base-url'] === undefined ? undefined : baseUrlFlag(values['base-url']);
  if (baseUrl && !adminKey) {
    throw new UsageError('--base-url needs the admin key in the environment variable OPENAI_ADMIN_KEY');
  }
  const ids: TargetIds = {
    projectId: idOf('project-id', values['project-id']),
    userKeyId: idOf('user-key-id', values['user-key-id']),
    serviceAccountKeyId: idOf('service-account-key-id', values['service-account-key-id']),
  };
  const reportDir = values['report-dir'] ?? DEFAULT_REPORT_DIR;
  if (reportDir === '') throw new UsageError('--report-dir is empty');
  return {
    baseUrl,
    ids,
    adminKey,
    reportDir,
    timeoutMs: integerFlag('timeout', values.timeout, 10_000, TIMEOUT_RANGE, ' of milliseconds'),
    retries: integerFlag('retries', values.retries, 2, RETRIES_RANGE),
    strict: values.strict,
    specPath: values.spec ?? DEFAULT_SPEC_PATH,
    pactPath: values.pact ?? DEFAULT_PACT_PATH,
  };
};
