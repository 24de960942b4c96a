// The one policy for all traffic to the target: the conformance client and Pact's verifier alike.

export interface TransportPolicy {
  /** Per attempt, covering connect, response headers and the whole body. */
  timeoutMs: number;
  /** Further attempts after the first, for idempotent requests that failed in a retryable way. */
  retries: number;
  /** Backoff before retry n (from 0) is a random share of min(maxDelayMs, baseDelayMs * 2^n): full jitter. */
  baseDelayMs: number;
  maxDelayMs: number;
  /**
   * The longest wait a `Retry-After`/`retry-after-ms` header can impose; longer hints are cut to this,
   * and never wait longer than one attempt may take (`timeoutMs`).
   */
  maxRetryAfterMs: number;
  /** Response bodies are read up to this many bytes; one byte more aborts the connection. */
  maxBodyBytes: number;
  /** Same-origin redirects followed before giving up. */
  maxRedirects: number;
}

export const DEFAULT_POLICY: Readonly<TransportPolicy> = Object.freeze({
  timeoutMs: 30_000,
  retries: 2,
  baseDelayMs: 500,
  maxDelayMs: 8_000,
  maxRetryAfterMs: 60_000,
  maxBodyBytes: 10 * 1024 * 1024,
  maxRedirects: 5,
});

const POSITIVE: readonly (keyof TransportPolicy)[] = ['timeoutMs', 'maxBodyBytes'];
const INTEGER: readonly (keyof TransportPolicy)[] = ['retries', 'maxRedirects', 'maxBodyBytes'];

/** The defaults overridden by `overrides`; a value that makes no sense is misuse and throws a RangeError. */
export function resolvePolicy(overrides: Partial<TransportPolicy> = {}): TransportPolicy {
  const policy: TransportPolicy = { ...DEFAULT_POLICY };
  for (const [name, value] of Object.entries(overrides) as [keyof TransportPolicy, number | undefined][]) {
    if (value === undefined) continue;
    if (!(name in DEFAULT_POLICY)) throw new RangeError(`transport policy: unknown setting "${name}"`);
    const wanted = POSITIVE.includes(name) ? 'a positive' : 'a non-negative';
    const integer = INTEGER.includes(name);
    if (
      typeof value !== 'number' ||
      !Number.isFinite(value) ||
      value < 0 ||
      (POSITIVE.includes(name) && value === 0) ||
      (integer && !Number.isInteger(value))
    ) {
      throw new RangeError(
        `transport policy: ${name} must be ${wanted} ${integer ? 'integer' : 'number'} (got ${String(value)})`,
      );
    }
    policy[name] = value;
  }
  return policy;
}

/** The longest wait a server's retry hint can impose under `policy`: its cap, and never above the timeout. */
export function retryAfterCapMs(policy: Pick<TransportPolicy, 'maxRetryAfterMs' | 'timeoutMs'>): number {
  return Math.min(policy.maxRetryAfterMs, policy.timeoutMs);
}

/**
 * The longest one exchange can take under `policy` (redirects aside): every attempt timing out and every
 * wait at its longest. Whoever waits on the policy (Pact's verifier `timeout`) should wait at least this.
 */
export function worstCaseMs(policy: TransportPolicy): number {
  return (
    (policy.retries + 1) * policy.timeoutMs +
    policy.retries * Math.max(policy.maxDelayMs, retryAfterCapMs(policy))
  );
}
