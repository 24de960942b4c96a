import type { CheckResult, ConformanceResult } from '../conformance/result.ts';
import type { Finding } from '../finding.ts';
import { truncateText } from '../truncate.ts';

// Reports hold provider data (ids, messages, excerpts, headers) and must stay readable and small
// whatever a provider sends: a 5 MB id is shown as its head and its length, and a body with a million
// undeclared properties as its first findings and a count. Strings are cut only after redaction
// (report/redact.ts does both in one pass); dropping whole findings is safe at any time.

export interface ReportLimits {
  /** Every string of the result (messages, pointers, names, excerpts, headers) at most this long. */
  maxChars: number;
  /** Findings shown per check, the last of them saying how many more there were when some are left out. */
  maxFindingsPerCheck: number;
}

/** conformance.json, junit.xml, report.html and the console: room for a whole body excerpt. */
export const REPORT_LIMITS: Readonly<ReportLimits> = Object.freeze({
  maxChars: 2048,
  maxFindingsPerCheck: 200,
});

/** How many findings a check had before a cap, for the counts reports show. */
const totals = new WeakMap<CheckResult, number>();

/** A check's number of findings, counting those a capped copy leaves out. */
export const findingCount = (check: CheckResult): number => totals.get(check) ?? check.findings.length;

/** `to` (a copy of `from`, check for check) with the finding counts of `from`'s checks. */
export const withTotals = (from: ConformanceResult, to: ConformanceResult): ConformanceResult => {
  to.checks.forEach((check, i) => {
    const original = from.checks[i];
    if (original) totals.set(check, findingCount(original));
  });
  return to;
};

const notes = new WeakSet<Finding>();

/** The finding that stands for those left out. */
const omittedFindings = (omitted: number, total: number): Finding => {
  const note: Finding = {
    pointer: '',
    keyword: 'truncated',
    message: `${omitted} more findings not shown (${total} in all)`,
    severity: 'warning',
  };
  notes.add(note);
  return note;
};

/** At most `max` findings per check, the last counting the rest; the counts stay known to findingCount. */
export const capFindings = (result: ConformanceResult, max: number): ConformanceResult => ({
  ...result,
  checks: result.checks.map((check) => {
    const total = findingCount(check);
    if (check.findings.length <= max && total === check.findings.length) return check;
    const kept = check.findings.filter((f) => !notes.has(f)).slice(0, max - 1);
    const capped = { ...check, findings: [...kept, omittedFindings(total - kept.length, total)] };
    totals.set(capped, total);
    return capped;
  }),
});

const cutStrings = (value: unknown, maxChars: number): unknown => {
  if (typeof value === 'string') return truncateText(value, maxChars);
  if (Array.isArray(value)) return value.map((item) => cutStrings(item, maxChars));
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, item]) => [truncateText(key, maxChars), cutStrings(item, maxChars)]),
  );
};

/**
 * A copy of `result` within `limits`: findings capped, long strings cut saying how long they were.
 * For text already redacted; reports use redactResult, which redacts and bounds together.
 */
export const boundResult = (
  result: ConformanceResult,
  limits: Readonly<ReportLimits> = REPORT_LIMITS,
): ConformanceResult =>
  withTotals(
    result,
    cutStrings(capFindings(result, limits.maxFindingsPerCheck), limits.maxChars) as ConformanceResult,
  );
