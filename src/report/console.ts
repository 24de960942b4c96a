import type { CheckResult } from '../core/check.ts';
import { oneLine, plural } from '../core/text.ts';
import { findingCount } from './bound.ts';
import {
  countsText,
  findingLine,
  isNote,
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
} from './common.ts';
import type { ConformanceResult } from './conformance-result.ts';
import type { ReportPaths } from './files.ts';
import { boundResult } from './redact-result.ts';

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

/** `  FAIL schema: key owned by a user: … — error /owner/type … (+2 more)`: a check and its first finding. */
function checkLine(word: string, result: ConformanceResult, check: CheckResult): string {
  const lead = leadingFinding(check);
  const count = findingCount(check);
  const more = count > 1 ? ` (+${count - 1} more)` : '';
  const over = check.tally ? ` (${tallyText(check.tally)})` : '';
  return `  ${word} ${oneLine(pactPrefix(result, check))}${check.category}: ${oneLine(check.name)}${over}${
    lead ? ` — ${findingLine(lead)}${more}` : ''
  }`;
}

/**
 * A few lines for the end of a run: verdict, counts, each failing check with its first finding, each note
 * about the document and the pact, and where the reports are. Escape sequences from a body arrive as
 * visible text, never as terminal codes.
 */
export const renderConsoleSummary = (given: ConformanceResult, paths: ReportPaths): string => {
  const result = boundResult(given);
  const failing = result.checks.filter((c) => c.status === 'fail');
  const notes = result.checks.filter(isNote);
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
    countsText(result.summary),
    ...failing.slice(0, CONSOLE_FAILING_CHECKS).map((check) => checkLine('FAIL', result, check)),
    ...(failing.length > CONSOLE_FAILING_CHECKS
      ? [`  …and ${failing.length - CONSOLE_FAILING_CHECKS} more failing checks`]
      : []),
    // About the document and the pact, not the target: after what the target got wrong.
    ...notes.slice(0, CONSOLE_FAILING_CHECKS).map((check) => checkLine('NOTE', result, check)),
    ...(notes.length > CONSOLE_FAILING_CHECKS
      ? [`  …and ${notes.length - CONSOLE_FAILING_CHECKS} more notes`]
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
