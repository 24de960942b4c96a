import type { CheckResult } from '../core/check.ts';
import type { Finding } from '../core/finding.ts';
import type { ConformanceResult } from './conformance-result.ts';

// Reports hold provider data (ids, messages, excerpts, headers) and must stay readable and small
// whatever a provider sends: a 5 MB id is shown as its head and its length, and a body with a million
// undeclared properties as its first findings and a count. Strings are cut only after redaction, in
// report/redact.ts; dropping whole findings, here, is safe at any time.

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

/** A check's number of findings, counting those a capped copy (or a check over many, its tally) leaves out. */
export const findingCount = (check: CheckResult): number =>
  totals.get(check) ?? Math.max(check.findings.length, check.tally?.findings ?? 0);

/** `to` (a copy of `from`, check for check) with the finding counts of `from`'s checks. */
export const withTotals = (from: ConformanceResult, to: ConformanceResult): ConformanceResult => {
  to.checks.forEach((check, i) => {
    const original = from.checks[i];
    if (original) totals.set(check, findingCount(original));
  });
  return to;
};

const notes = new WeakSet<Finding>();

/** Whether `finding` is one capFindings made to count others: ours, so copied as it is, never redacted. */
export const isOmittedNote = (finding: unknown): boolean => notes.has(finding as Finding);

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
    const kept = check.findings.filter((f) => !isOmittedNote(f)).slice(0, max - 1);
    const capped = { ...check, findings: [...kept, omittedFindings(total - kept.length, total)] };
    totals.set(capped, total);
    return capped;
  }),
});
