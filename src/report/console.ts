import { oneLine, plural } from '../text.ts';
import { findingCount } from './bound.ts';
import type { ReportPaths } from './files.ts';
import { boundResult } from './redact.ts';
import type { ConformanceResult } from './result.ts';
import {
  findingLine,
  leadingFinding,
  MATRIX_EMPTY,
  MATRIX_TITLE,
  matrixCellText,
  matrixRowLabel,
  PROJECT_KEYS_TITLE,
  pactPrefix,
  passedAfterRetries,
  projectKeysFacts,
  tallyText,
} from './text.ts';

/** Failing checks named on the console; the reports list the rest. */
export const CONSOLE_FAILING_CHECKS = 10;

/** The spec matrix, a document per line and a key per indented line, when the run has one. */
const matrixLines = (matrix: ConformanceResult['specMatrix']): string[] => {
  if (!matrix) return [];
  if (matrix.keys.length === 0) return [`${MATRIX_TITLE}: ${MATRIX_EMPTY}`];
  const width = Math.max(...matrix.keys.map((key) => oneLine(key).length));
  return [
    `${MATRIX_TITLE}:`,
    ...matrix.rows.flatMap((row) => [
      `  ${oneLine(matrixRowLabel(row))}`,
      ...row.cells.map((cell) => `    ${oneLine(cell.key).padEnd(width)}  ${oneLine(matrixCellText(cell))}`),
    ]),
  ];
};

/**
 * A few lines for the end of a run: verdict, counts, each failing check with its first finding, and
 * where the reports are. Escape sequences from a body arrive as visible text, never as terminal codes.
 */
export const renderConsoleSummary = (given: ConformanceResult, paths: ReportPaths): string => {
  const result = boundResult(given);
  const { passed, failed, warnings, skipped } = result.summary;
  const failing = result.checks.filter((c) => c.status === 'fail');
  // Only checks that ran and passed (or warned): a skipped check's exchanges passed nothing.
  const retried = result.checks.filter(passedAfterRetries);
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
      const count = findingCount(check);
      const more = count > 1 ? ` (+${count - 1} more)` : '';
      const over = check.tally ? ` (${tallyText(check.tally)})` : '';
      return `  FAIL ${oneLine(pactPrefix(result, check))}${check.category}: ${oneLine(check.name)}${over}${
        lead ? ` — ${findingLine(lead)}${more}` : ''
      }`;
    }),
    ...(failing.length > CONSOLE_FAILING_CHECKS
      ? [`  …and ${failing.length - CONSOLE_FAILING_CHECKS} more failing checks`]
      : []),
    ...(retried.length > 0
      ? [`  ${plural(retried.length, 'check')} passed only after retries (see the exchanges in the reports)`]
      : []),
    ...matrixLines(result.specMatrix),
    ...(result.projectKeys
      ? [
          `${PROJECT_KEYS_TITLE}:`,
          ...projectKeysFacts(result.projectKeys).map(
            ([label, text]) => `  ${oneLine(label)}: ${oneLine(text)}`,
          ),
        ]
      : []),
    `Reports: ${paths.html} ${paths.markdown} ${paths.junit} ${paths.json}`,
  ];
  return `${lines.join('\n')}\n`;
};
