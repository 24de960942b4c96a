import type { ConformanceResult } from '../conformance/result.ts';
import { redactResult } from './redact.ts';
import { findingLine, leadingFinding, oneLine, pactPrefix, plural } from './text.ts';
import type { ReportPaths } from './write.ts';

/** Failing checks named on the console; the reports list the rest. */
export const CONSOLE_FAILING_CHECKS = 10;

/**
 * A few lines for the end of a run: verdict, counts, each failing check with its first finding, and
 * where the reports are. Escape sequences from a body arrive as visible text, never as terminal codes.
 */
export const renderConsoleSummary = (given: ConformanceResult, paths: ReportPaths): string => {
  const result = redactResult(given);
  const { passed, failed, warnings, skipped } = result.summary;
  const failing = result.checks.filter((c) => c.status === 'fail');
  const retried = result.checks.filter((c) => c.status !== 'fail' && (c.attempts ?? 1) > 1);
  const lines = [
    `Conformance ${result.verdict.toUpperCase()}${
      result.complete
        ? result.incompleteReason
          ? ` (${oneLine(result.incompleteReason)})`
          : ''
        : ` (incomplete: ${oneLine(result.incompleteReason ?? 'no reason given')})`
    }: ${oneLine(result.target.baseUrl)}`,
    `${passed} passed, ${failed} failed, ${plural(warnings, 'warning')}, ${skipped} skipped`,
    ...failing.slice(0, CONSOLE_FAILING_CHECKS).map((check) => {
      const lead = leadingFinding(check);
      const more = check.findings.length > 1 ? ` (+${check.findings.length - 1} more)` : '';
      return `  FAIL ${oneLine(pactPrefix(result, check))}${check.category}: ${oneLine(check.name)}${
        lead ? ` — ${findingLine(lead)}${more}` : ''
      }`;
    }),
    ...(failing.length > CONSOLE_FAILING_CHECKS
      ? [`  …and ${failing.length - CONSOLE_FAILING_CHECKS} more failing checks`]
      : []),
    ...(retried.length > 0
      ? [`  ${plural(retried.length, 'check')} passed only after retries (see the exchanges in the reports)`]
      : []),
    `Reports: ${paths.html} ${paths.markdown} ${paths.junit} ${paths.json}`,
  ];
  return `${lines.join('\n')}\n`;
};
