import type { Finding } from '../finding.ts';

// The one in-memory result of a conformance run. Every report renders it; none recomputes a verdict.

export const CHECK_CATEGORIES = ['contract', 'pact', 'schema', 'semantic', 'security', 'transport'] as const;
export type CheckCategory = (typeof CHECK_CATEGORIES)[number];

export const CHECK_STATUSES = ['pass', 'fail', 'warn', 'skip'] as const;
export type CheckStatus = (typeof CHECK_STATUSES)[number];

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

export interface CheckResult {
  name: string;
  category: CheckCategory;
  status: CheckStatus;
  findings: Finding[];
  durationMs: number;
  /** Why a check was skipped: never passed in silence. */
  skipReason?: string;
  /** Attempts the check's exchanges took; above 1 marks a check that passed only after retries. */
  attempts?: number;
  /** Ids of the exchanges (in `ConformanceResult.exchanges`) behind this check. */
  exchangeIds?: string[];
}

export interface ConformanceSummary {
  passed: number;
  failed: number;
  warnings: number;
  skipped: number;
}

export interface ConformanceResult {
  verdict: 'pass' | 'fail';
  /** False when the run was interrupted or could not finish: the checks are what was gathered. */
  complete: boolean;
  /** Why the run is incomplete or could not reach the target, in one line. */
  incompleteReason?: string;
  summary: ConformanceSummary;
  target: { baseUrl: string; reference: boolean };
  spec: { path: string; version: string; sha256: string };
  pact: { path: string; sha256: string };
  startedAt: string;
  finishedAt: string;
  checks: CheckResult[];
  exchanges: Exchange[];
}

/** A check's status from its findings: any error fails it, warnings only warn. */
export const statusOf = (findings: readonly Finding[]): CheckStatus => {
  if (findings.some((f) => f.severity === 'error')) return 'fail';
  if (findings.length > 0) return 'warn';
  return 'pass';
};

export const summarize = (checks: readonly CheckResult[]): ConformanceSummary => ({
  passed: checks.filter((c) => c.status === 'pass').length,
  failed: checks.filter((c) => c.status === 'fail').length,
  warnings: checks.filter((c) => c.status === 'warn').length,
  skipped: checks.filter((c) => c.status === 'skip').length,
});

/** Whether any check looked at the target itself; contract checks read only the pact and the spec. */
export const targetWasChecked = (checks: readonly CheckResult[]): boolean =>
  checks.some((c) => c.category !== 'contract' && c.status !== 'skip');

/** Conformant: complete, the target itself was checked, and no check failed. */
export const verdictOf = (checks: readonly CheckResult[], complete: boolean): 'pass' | 'fail' =>
  complete && targetWasChecked(checks) && !checks.some((c) => c.status === 'fail') ? 'pass' : 'fail';
