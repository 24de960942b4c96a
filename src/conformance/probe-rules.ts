import type { Finding } from '../core/finding.ts';
import { isJsonObject } from '../core/json.ts';
import { appendPointer } from '../core/pointer.ts';
import { credentialsValid, invalidityOf, type ProbeContext, type ProbeRequest } from './probe-requests.ts';

// The rules every probe's answer is judged by: one named rule each, pure, over one request and what it
// got. A rule that does not apply to a probe says so (undefined); one that applies and holds gives no
// finding. The stage makes each rule a check, which passes only if the rule judged at least one answer.

/** What one probe got: its answer, or why there was none (a failure may still carry a status). */
export interface ProbeOutcome {
  /** The URL the request went to. */
  url: string;
  /** Undefined: no answer at all (refused, reset, timed out). */
  status?: number;
  headers: Record<string, string>;
  text: string;
  /** Why the exchange failed, when it did (after the status line, for a HEAD answer that carried a body). */
  failure?: string;
  /** Where a credential the request carried came back (`body`, `header x-debug`), as the transport saw. */
  echoes: string[];
  exchangeIds: string[];
}

export interface ProbeRule {
  /** Stable and self-explaining, like Schemathesis' check names. */
  id: string;
  /** The check's name in every report. */
  name: string;
  /** Why the check is skipped when no probe gave it an answer to judge. */
  nothingToJudge: string;
  judge(request: ProbeRequest, outcome: ProbeOutcome, context: ProbeContext): Finding[] | undefined;
}

const error = (keyword: string, message: string, pointer = ''): Finding => ({
  pointer,
  keyword,
  message,
  severity: 'error',
});

const isSafe = (request: ProbeRequest) => request.method === 'GET' || request.method === 'HEAD';
const is2xx = (status: number | undefined) => status !== undefined && status >= 200 && status < 300;

/** OpenAI's `ErrorResponse`: `error` with `message` and `type` strings, `param` and `code` string or null. */
export function isErrorResponse(body: unknown): boolean {
  if (!isJsonObject(body) || !isJsonObject(body.error)) return false;
  const { message, type, param, code } = body.error;
  const stringOrNull = (value: unknown) => value === null || typeof value === 'string';
  return (
    typeof message === 'string' &&
    typeof type === 'string' &&
    'param' in body.error &&
    'code' in body.error &&
    stringOrNull(param) &&
    stringOrNull(code)
  );
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** What internals look like in an error body. Each pattern is linear: bounded repeats, no nesting. */
const INTERNALS: [what: string, pattern: RegExp][] = [
  [
    'a stack-trace line',
    /\bat (?:async )?[\w$.<>[\] ]{0,200}\(?(?:file:\/\/|node:|\/|[A-Za-z]:\\)[^\s()]{1,300}:\d+:\d+\)?/,
  ],
  ['a stack-trace line', /Traceback \(most recent call last\)|File "[^"\n]{1,300}", line \d+/],
  [
    'a stack-trace line',
    /\bat (?:[\w$]+\.){2,}[\w$<>]+\([\w$]+\.(?:java|kt|scala):\d+\)|goroutine \d+ \[[a-z ]{1,40}\]:/,
  ],
  ['a stack-trace line', /\bStack trace:|^#\d+ (?:\/|[A-Za-z]:\\)\S{1,300}\(\d+\)| in \S{1,300}:line \d+/m],
  [
    'a server file path',
    /(?:^|[\s"'(=:,[])\/(?:home|usr|var|opt|srv|app|etc|root|tmp|workspace|code|Users)\/[\w.@-]+/,
  ],
  [
    'a server file path',
    /\b[A-Za-z]:\\(?:[\w.-]+\\)+[\w.-]+|\bnode_modules\/|\b[\w-]+\.(?:js|mjs|cjs|ts|py|rb|go|java|php|cs):\d+\b/,
  ],
  [
    'an SQL fragment',
    /\bSELECT\b[^\n;]{1,200}\bFROM\b|\bINSERT INTO\b|\bDELETE FROM\b|\bUPDATE \w+ SET\b|\bSQLSTATE\b|syntax error at or near|error in your SQL syntax|\bORA-\d{5}\b|\bSQLITE_[A-Z]+\b|duplicate key value violates/,
  ],
];

/** Strings walked per body, and how deep: a hostile body costs a bounded amount. */
const MAX_STRINGS = 1000;
const MAX_DEPTH = 32;
/** Characters of a non-JSON body scanned. */
const MAX_TEXT = 64 * 1024;

/** Every string of a JSON value with its pointer, depth- and count-bounded. */
function stringsOf(
  value: unknown,
  pointer = '',
  depth = 0,
  found: [string, string][] = [],
): [string, string][] {
  if (found.length >= MAX_STRINGS || depth > MAX_DEPTH) return found;
  if (typeof value === 'string') found.push([pointer, value]);
  else if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) stringsOf(item, appendPointer(pointer, i), depth + 1, found);
  } else if (isJsonObject(value)) {
    for (const [key, item] of Object.entries(value))
      stringsOf(item, appendPointer(pointer, key), depth + 1, found);
  }
  return found;
}

/** What the request itself put in: an error may quote it back, which leaks nothing of the server. */
function requestEchoesOf(request: ProbeRequest, url: string): string[] {
  const path = URL.canParse(url) ? new URL(url).pathname : '';
  let decodedPath = path;
  try {
    decodedPath = decodeURIComponent(path);
  } catch {}
  return [
    url,
    path,
    decodedPath,
    request.keyId,
    encodeURIComponent(request.keyId),
    request.projectId,
    encodeURIComponent(request.projectId),
    ...request.query.flat(),
  ]
    .filter((text) => text.length >= 2)
    .sort((a, b) => b.length - a.length);
}

/** Internals in an error body (stack traces, server paths, SQL), the request's own text taken out first. */
export function internalsIn(text: string, request: ProbeRequest, url: string): Finding[] {
  const json = parseJson(text);
  const strings = json === undefined ? [['', text.slice(0, MAX_TEXT)] as [string, string]] : stringsOf(json);
  const echoed = requestEchoesOf(request, url);
  const findings: Finding[] = [];
  for (const [pointer, value] of strings) {
    const own = echoed.reduce((rest, part) => rest.replaceAll(part, ' '), value);
    for (const [what, pattern] of INTERNALS) {
      const match = pattern.exec(own);
      if (!match) continue;
      const quoted = JSON.stringify(match[0].trim().slice(0, 120));
      findings.push(error('internals', `the error body holds ${what}: ${quoted}`, pointer));
      break;
    }
  }
  return findings;
}

const statusWords = (outcome: ProbeOutcome) => `status ${outcome.status}`;

/** 414 and 431 say an id is too long to read: an answer as right as 400 for an 8 KB id. */
const TOO_LONG = [414, 431];
const LONG_ID = 2048;

export const PROBE_RULES: readonly ProbeRule[] = [
  {
    id: 'answered',
    name: 'every generated request is answered',
    nothingToJudge: 'no generated request was sent',
    judge: (_request, outcome) =>
      outcome.status === undefined ? [error('answered', `no answer: ${outcome.failure ?? 'none'}`)] : [],
  },
  {
    id: 'not-a-server-error',
    name: 'no 5xx for any generated request',
    nothingToJudge: 'no generated request was answered',
    judge: (_request, outcome) => {
      if (outcome.status === undefined) return undefined;
      return outcome.status >= 500 ? [error('not-a-server-error', `answered ${statusWords(outcome)}`)] : [];
    },
  },
  {
    id: 'no-2xx-when-not-valid',
    name: 'no 2xx for a request whose key, project or credentials are not valid',
    nothingToJudge: 'no request that is not valid was answered',
    judge: (request, outcome, context) => {
      const reasons = invalidityOf(request, context);
      if (outcome.status === undefined || reasons.length === 0) return undefined;
      return is2xx(outcome.status)
        ? [error('no-2xx-when-not-valid', `answered ${statusWords(outcome)}, yet ${reasons.join(' and ')}`)]
        : [];
    },
  },
  {
    id: 'credentials-refused',
    name: 'wrong or missing credentials get 401 or 403',
    nothingToJudge: 'no request with wrong or missing credentials was answered',
    judge: (request, outcome, context) => {
      if (outcome.status === undefined || !isSafe(request) || credentialsValid(request, context.adminKey)) {
        return undefined;
      }
      const allowed = request.auth.kind === 'two-headers' ? [400, 401, 403] : [401, 403];
      return allowed.includes(outcome.status)
        ? []
        : [
            error(
              'credentials-refused',
              `answered ${statusWords(outcome)}, expected ${allowed.join(' or ')}`,
            ),
          ];
    },
  },
  {
    id: 'unknown-id-refused',
    name: 'an unknown or malformed id gets 404 or 400',
    nothingToJudge: 'no request for an unknown id (with valid credentials) was answered',
    judge: (request, outcome, context) => {
      if (outcome.status === undefined || !isSafe(request) || !credentialsValid(request, context.adminKey)) {
        return undefined;
      }
      if (invalidityOf(request, context).length === 0) return undefined;
      const allowed = request.keyId.length > LONG_ID ? [400, 404, ...TOO_LONG] : [400, 404];
      return allowed.includes(outcome.status)
        ? []
        : [error('unknown-id-refused', `answered ${statusWords(outcome)}, expected ${allowed.join(' or ')}`)];
    },
  },
  {
    id: 'error-shape',
    name: "every 4xx body is OpenAI's error shape",
    nothingToJudge: 'no 4xx body was received',
    judge: (request, outcome) => {
      const { status } = outcome;
      if (status === undefined || status < 400 || status >= 500 || request.method === 'HEAD')
        return undefined;
      if (outcome.failure !== undefined) return undefined;
      return isErrorResponse(parseJson(outcome.text))
        ? []
        : [
            {
              pointer: '',
              keyword: 'error-shape',
              severity: 'warning',
              message: `${statusWords(outcome)}: the body is not { "error": { "message", "type", "param", "code" } }`,
            },
          ];
    },
  },
  {
    id: 'no-leaks',
    name: 'error bodies leak no internals and no key',
    nothingToJudge: 'no generated request was answered',
    judge: (request, outcome) => {
      if (outcome.status === undefined) return undefined;
      const echoed =
        outcome.echoes.length > 0
          ? [
              error(
                'secretEchoed',
                `the answer echoes a key the request was sent with (${outcome.echoes.join(', ')}); reports show it redacted`,
              ),
            ]
          : [];
      const internals =
        outcome.status >= 400 && request.method !== 'HEAD'
          ? internalsIn(outcome.text, request, outcome.url)
          : [];
      return [...echoed, ...internals];
    },
  },
  {
    id: 'key-is-the-one-requested',
    name: 'a 2xx body is the key requested',
    nothingToJudge: 'no GET was answered with a 2xx body',
    judge: (request, outcome) => {
      if (request.method !== 'GET' || !is2xx(outcome.status) || outcome.failure !== undefined)
        return undefined;
      const body = parseJson(outcome.text);
      const id = isJsonObject(body) ? body.id : undefined;
      if (typeof id !== 'string') {
        return [error('identity', `${statusWords(outcome)} with a body that has no key id`, '/id')];
      }
      return id === request.keyId
        ? []
        : [
            error(
              'identity',
              `the body is the key ${JSON.stringify(id.slice(0, 100))}, not the one requested`,
              '/id',
            ),
          ];
    },
  },
  {
    id: 'head-has-no-body',
    name: 'a HEAD answer has no body',
    nothingToJudge: 'no HEAD request was answered',
    judge: (request, outcome) => {
      if (request.method !== 'HEAD' || outcome.status === undefined) return undefined;
      // A client reads no body after a HEAD's headers: bytes there are read as a broken next response.
      if (outcome.failure !== undefined || outcome.text.length > 0) {
        return [
          error(
            'head-has-no-body',
            `${statusWords(outcome)} followed by bytes after the headers (${outcome.failure ?? 'a body'})`,
          ),
        ];
      }
      return [];
    },
  },
];
