import type { CheckResult } from '../core/check.ts';
import { STATE_KEYS, STATE_LABELS } from '../pact/provider-states.ts';
import type { ConformanceResult, ConformanceSummary } from '../report/conformance-result.ts';

// How a run's checks become its verdict: the counts, what must have been checked, pending pacts.

export const summarize = (checks: readonly CheckResult[]): ConformanceSummary => ({
  passed: checks.filter((c) => c.status === 'pass').length,
  failed: checks.filter((c) => c.status === 'fail').length,
  warnings: checks.filter((c) => c.status === 'warn').length,
  skipped: checks.filter((c) => c.status === 'skip').length,
  notes: checks.filter((c) => c.status === 'note').length,
});

/**
 * Whether a 2xx key body went through the schema, semantic and security checks. A schema check that ran
 * (was not skipped) had such a body: the live checks run those three on each key body together.
 */
export const keyBodyWasChecked = (checks: readonly CheckResult[]): boolean =>
  checks.some((c) => c.category === 'schema' && c.status !== 'skip' && !judgedListPages(c));

/** A check of the list's pages (discovery's, the sweep's): it judged pages, not a retrieved key body. */
const judgedListPages = (check: CheckResult): boolean => check.tally?.unit === 'pages';

export const NO_KEY_BODY_REASON = 'no key body was checked: give --user-key-id or --service-account-key-id';

/**
 * Why no key body was checked: what each key state asked for got instead (its skipped schema check says,
 * the same under every pact), or, when none was asked for, which flags to give.
 */
export function noKeyBodyReason(checks: readonly CheckResult[]): string {
  const instead = new Set<string>();
  for (const check of checks) {
    if (check.category !== 'schema' || check.status !== 'skip' || !check.skipReason) continue;
    const label = STATE_KEYS.map((key) => STATE_LABELS[key]).find((l) => check.name.startsWith(`${l}:`));
    instead.add(label ? `${label}: ${check.skipReason}` : check.skipReason);
  }
  return instead.size === 0 ? NO_KEY_BODY_REASON : `no key body was checked: ${[...instead].join('; ')}`;
}

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
            // Its errors warn; its notes stay notes about the document and the pact.
            ...check.findings.map((f) =>
              f.severity === 'error' ? { ...f, severity: 'warning' as const } : f,
            ),
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
