import type { Finding } from '../finding.ts';
import type { SpecMatrix } from './spec-matrix.ts';

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
  /** The id (in `ConformanceResult.pacts`) of the pact the check belongs to; none for the spec's own. */
  pact?: string;
}

/** A pact the run verified: where it came from, and what a broker said about it when it came from one. */
export interface PactRecord {
  /** What checks name in their `pact` field. */
  id: string;
  path: string;
  sha256: string;
  consumer: string;
  provider: string;
  consumerVersion?: string;
  /** Where the pact lives on a broker. */
  url?: string;
  /** Pending (or work in progress): its failing checks are warnings and do not fail the run. */
  pending?: boolean;
  wip?: boolean;
  /** Why the broker selected it, in its words (e.g. "latest from main branch"). */
  selectedBecause?: string;
  /** What the broker asked to be shown before verifying it: why it was selected, why it is pending. */
  notices?: string[];
  /** With --publish-results: the verification result published to the broker for this pact, or why none was. */
  publication?: PactPublication;
}

/** A pact's verification result as published to a Pact Broker (`--publish-results`). */
export interface PactPublication {
  /** Whether the broker holds the result now. */
  published: boolean;
  /** The result: the target honoured the pact (a failing pending pact is false, whatever the verdict). */
  success: boolean;
  providerVersion: string;
  providerBranch?: string;
  /** The result on the broker. */
  url?: string;
  /** Why it was not published. */
  error?: string;
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
  /** Every pact verified, in the order they were; one in a run of the committed pact. */
  pacts: PactRecord[];
  startedAt: string;
  finishedAt: string;
  checks: CheckResult[];
  exchanges: Exchange[];
  /** With --also-spec: each live 2xx key body against each document; informs, never decides the verdict. */
  specMatrix?: SpecMatrix;
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

/**
 * Whether a 2xx key body went through the schema, semantic and security checks. A schema check that ran
 * (was not skipped) had such a body: the live checks run those three on each key body together.
 */
export const keyBodyWasChecked = (checks: readonly CheckResult[]): boolean =>
  checks.some((c) => c.category === 'schema' && c.status !== 'skip');

export const NO_KEY_BODY_REASON = 'no key body was checked: give --user-key-id or --service-account-key-id';

/** Conformant: complete, at least one key body checked, and no check failed. */
export const verdictOf = (checks: readonly CheckResult[], complete: boolean): 'pass' | 'fail' =>
  complete && keyBodyWasChecked(checks) && !checks.some((c) => c.status === 'fail') ? 'pass' : 'fail';

export const PENDING_REASON = 'pending pact: its failure does not fail the verification';

/**
 * The checks of pending pacts that failed, as warnings: their errors become warnings, led by the reason.
 * Only the pact's own checks (its interactions, and whether the spec documents them); the live checks
 * judge the target against the OpenAPI document, which no pact being pending changes.
 */
export const withPendingAsWarnings = (
  checks: readonly CheckResult[],
  pendingPacts: ReadonlySet<string>,
): CheckResult[] =>
  checks.map((check) =>
    check.status === 'fail' &&
    check.pact !== undefined &&
    pendingPacts.has(check.pact) &&
    (check.category === 'pact' || check.category === 'contract')
      ? {
          ...check,
          status: 'warn',
          findings: [
            { pointer: '', keyword: 'pending', severity: 'warning', message: PENDING_REASON },
            ...check.findings.map((f) => ({ ...f, severity: 'warning' as const })),
          ],
        }
      : check,
  );

/**
 * Whether the target honoured one pact, as a verification result to publish to a broker: at least one of
 * its interactions was verified and none failed, a pending pact's downgraded failures included.
 */
export const pactHonoured = (result: Pick<ConformanceResult, 'checks'>, pactId: string): boolean => {
  const interactions = result.checks.filter((c) => c.pact === pactId && c.category === 'pact');
  return interactions.some((c) => c.status !== 'skip') && !interactions.some(failedUnlessPending);
};

/** A check that failed, or would have but for its pact being pending (a warning led by PENDING_REASON). */
export const failedUnlessPending = (check: CheckResult): boolean =>
  check.status === 'fail' ||
  check.findings.some((f) => f.keyword === 'pending' && f.message === PENDING_REASON);
