// What the transport policy records of each request to the target: the transport's own types.

/** One attempt at one HTTP exchange with the target, secrets already redacted. */
export interface Attempt {
  startedAt: string;
  durationMs: number;
  status?: number;
  /** Why the attempt failed or was retried: a timeout, a reset, a 503. */
  error?: string;
  /** How long the policy waited before the next attempt, and why (backoff, Retry-After). */
  waitMs?: number;
}

/** A request to the target and what came back, as recorded by the transport policy. */
export interface Exchange {
  id: string;
  /** The check the exchange served, when one did. */
  check?: string;
  request: { method: string; url: string; headers: Record<string, string> };
  response?: {
    status: number;
    headers: Record<string, string>;
    /** The first bytes of the body as text, for a person to read. */
    bodyExcerpt: string;
    bodyBytes: number;
    /** True when the body was cut off at the size cap. */
    truncated: boolean;
  };
  attempts: Attempt[];
  durationMs: number;
  /** The final failure when no response was had: refused, reset, timed out, too large. */
  error?: string;
  /** What the transport policy decided that a reader should know, e.g. a redirect it did not follow. */
  note?: string;
  /**
   * Where a credential the request carried came back in a response (`header location`, `body`,
   * `status text`), as sent or encoded: a security error whatever the status.
   */
  secretEchoes?: string[];
}
