import type { Finding } from './finding.ts';

// What a check is: its category, its status and its findings. Every layer that makes or shows checks
// speaks of them in these words.

/**
 * `probe`: generated requests (issue 15's probe stage); `list`: the list endpoint's pages and cursor, and
 * whether each listed key is retrieved as listed.
 */
export const CHECK_CATEGORIES = [
  'contract',
  'pact',
  'schema',
  'semantic',
  'security',
  'transport',
  'probe',
  'list',
] as const;
export type CheckCategory = (typeof CHECK_CATEGORIES)[number];

/** `note`: a check of the document or the pact whose findings are notes about them, not about the target. */
export const CHECK_STATUSES = ['pass', 'fail', 'warn', 'note', 'skip'] as const;
export type CheckStatus = (typeof CHECK_STATUSES)[number];

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
  /** A check of one rule over many subjects (a sweep's keys, a list's pages): what it judged, in counts. */
  tally?: CheckTally;
}

/** How many subjects a check over many judged, and how they fared; `findings` counts those not kept too. */
export interface CheckTally {
  /** What the subjects are, plural: `keys`, `pages`. */
  unit: string;
  /** Subjects judged (skipped ones not counted). */
  judged: number;
  failed: number;
  warned: number;
  /** Subjects there was nothing to judge of (no response, no body). */
  skipped: number;
  /** Findings in all, kept or not: the check keeps the first ones. */
  findings: number;
}

/** A check's status from its findings: any error fails it, warnings only warn, notes only note. */
export const statusOf = (findings: readonly Finding[]): CheckStatus => {
  if (findings.some((f) => f.severity === 'error')) return 'fail';
  if (findings.some((f) => f.severity === 'warning')) return 'warn';
  if (findings.length > 0) return 'note';
  return 'pass';
};
