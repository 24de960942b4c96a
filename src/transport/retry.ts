import type { TransportPolicy } from './policy.ts';
import type { TransportErrorKind } from './transport-error.ts';

// When to try again and how long to wait: pure, so the policy is tested without a clock or a network.

/** Methods whose repetition cannot do more than the first request did (RFC 9110 §9.2.2). */
export const IDEMPOTENT_METHODS: readonly string[] = ['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE'];

/** Statuses worth another attempt, as the official OpenAI SDKs decide: 408, 409, 429 and every 5xx. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 409 || status === 429 || (status >= 500 && status <= 599);
}

/** Transport failures worth another attempt: a timeout or a lost connection, not a body over the cap. */
const RETRYABLE_FAILURES: readonly TransportErrorKind[] = ['timeout', 'connection'];

/** Whether an attempt that ended in `outcome` (a status or a failure kind) may be repeated. */
export function isRetryable(method: string, outcome: number | TransportErrorKind): boolean {
  return (
    IDEMPOTENT_METHODS.includes(method.toUpperCase()) &&
    (typeof outcome === 'number' ? isRetryableStatus(outcome) : RETRYABLE_FAILURES.includes(outcome))
  );
}

/**
 * Milliseconds a `Retry-After` value asks for: delay-seconds or an HTTP date (RFC 9110 §10.2.3),
 * a date in the past meaning 0. `undefined` when the value is neither.
 */
export function parseRetryAfter(value: string | undefined, now: number): number | undefined {
  const text = value?.trim();
  if (!text) return undefined;
  if (/^\d+(?:\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  // An HTTP date always names a weekday; this keeps bare numbers with signs or units from parsing as dates.
  if (!/^[A-Za-z]{3},/.test(text)) return undefined;
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** `retry-after-ms` (OpenAI's): a non-negative number of milliseconds. */
function parseRetryAfterMs(value: string | undefined): number | undefined {
  const text = value?.trim();
  return text && /^\d+(?:\.\d+)?$/.test(text) ? Math.round(Number(text)) : undefined;
}

export interface RetryDelay {
  ms: number;
  /** What set the wait: the server's hint or our own backoff. */
  source: 'retry-after-ms' | 'retry-after' | 'backoff';
  /** The header value the wait came from, when one did. */
  hint?: string;
  /** True when the server asked for longer than `maxRetryAfterMs`. */
  capped: boolean;
}

type ResponseHeaders = Readonly<Record<string, string | readonly string[] | undefined>>;

function headerValue(headers: ResponseHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : (value as string | undefined);
}

/**
 * The wait before retry number `retry` (0 for the first retry). A server hint (`retry-after-ms`, then
 * `Retry-After`) wins, cut to `maxRetryAfterMs`; otherwise exponential backoff with full jitter.
 * `headers` are the failed response's, names in lower case (none for a failure without a response).
 */
export function retryDelay(
  retry: number,
  headers: ResponseHeaders,
  policy: Pick<TransportPolicy, 'baseDelayMs' | 'maxDelayMs' | 'maxRetryAfterMs'>,
  random: () => number,
  now: number = Date.now(),
): RetryDelay {
  const ms = headerValue(headers, 'retry-after-ms');
  const seconds = headerValue(headers, 'retry-after');
  const hints: [RetryDelay['source'], string | undefined, number | undefined][] = [
    ['retry-after-ms', ms, parseRetryAfterMs(ms)],
    ['retry-after', seconds, parseRetryAfter(seconds, now)],
  ];
  for (const [source, hint, wanted] of hints) {
    if (wanted === undefined) continue;
    const capped = wanted > policy.maxRetryAfterMs;
    return { ms: capped ? policy.maxRetryAfterMs : wanted, source, hint, capped };
  }
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** retry);
  return { ms: Math.floor(random() * ceiling), source: 'backoff', capped: false };
}
