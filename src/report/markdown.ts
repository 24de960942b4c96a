import type { CheckResult, CheckStatus } from '../core/check.ts';
import type { Finding } from '../core/finding.ts';
import { displayPointer, elapsedMs, humanDuration, oneLine, plural, shortSha } from '../core/text.ts';
import { findingCount, type ReportLimits } from './bound.ts';
import {
  brokerPactFacts,
  byCategory,
  byPact,
  hasFindingsToShow,
  isNote,
  linkableUrl,
  MATRIX_EMPTY,
  MATRIX_TITLE,
  matrixCellText,
  matrixRowLabel,
  NOTES_TITLE,
  PROJECT_KEYS_TITLE,
  pactPrefix,
  passedAfterRetries,
  probingText,
  projectKeysFacts,
  tallyText,
} from './common.ts';
import type { ConformanceResult, PactRecord } from './conformance-result.ts';
import { boundResult } from './redact-result.ts';

// summary.md: GitHub-flavoured Markdown for a pull request comment or $GITHUB_STEP_SUMMARY.
// Everything from a body is escaped: a finding must not turn into a link, a tag or a broken table.

/** Past this many findings per check, one more row says how many were left out; report.html has more. */
export const MARKDOWN_FINDINGS_PER_CHECK = 25;

/** Tighter than the other reports: a step summary is read on a page, next to other steps'. */
export const MARKDOWN_LIMITS: Readonly<ReportLimits> = Object.freeze({
  maxChars: 500,
  maxFindingsPerCheck: MARKDOWN_FINDINGS_PER_CHECK + 1,
});

/** GitHub refuses a step summary over 1 MiB; summary.md is appended there with one newline. */
export const STEP_SUMMARY_MAX_BYTES = 1024 * 1024;
/** summary.md's own cap, with room for that newline. */
export const MARKDOWN_MAX_BYTES = STEP_SUMMARY_MAX_BYTES - 1024;

export const STATUS_WORD: Record<CheckStatus, string> = {
  pass: 'PASS',
  fail: 'FAIL',
  warn: 'WARN',
  note: 'NOTE',
  skip: 'SKIP',
};

/** Text on one line with every character Markdown or GFM tables would act on backslash-escaped. */
export const markdownText = (text: string): string => oneLine(text).replace(/[\\`*_[\]<>|~&]/g, '\\$&');

/**
 * A code span that holds `text` whatever backticks it contains (CommonMark: a longer fence, padded).
 * In a table cell `|` still ends the cell, code span or not, so it is escaped there.
 */
export const markdownCode = (text: string, inTable = false): string => {
  const line = oneLine(text);
  // A loop, not Math.max(...runs): a hostile text has more backtick runs than a call has arguments.
  let longest = 0;
  for (const run of line.match(/`+/g) ?? []) longest = Math.max(longest, run.length);
  const fence = '`'.repeat(longest + 1);
  const pad = line.startsWith('`') || line.endsWith('`') ? ' ' : '';
  const body = inTable ? line.replaceAll('|', '\\|') : line;
  return `${fence}${pad}${body}${pad}${fence}`;
};

const row = (cells: readonly (string | number)[]): string => `| ${cells.join(' | ')} |`;
const table = (
  head: readonly string[],
  align: readonly ('l' | 'r')[],
  rows: readonly (string | number)[][],
) => [row(head), row(align.map((a) => (a === 'r' ? '---:' : '---'))), ...rows.map(row)].join('\n');

const checkLabel = (result: ConformanceResult, check: CheckResult): string =>
  `${markdownText(pactPrefix(result, check))}${check.category}: ${markdownText(check.name)}`;

const attemptsCell = (check: CheckResult): string =>
  check.attempts === undefined ? '' : `${check.attempts}${passedAfterRetries(check) ? ' (retried)' : ''}`;

const findingRows = (findings: readonly Finding[]) =>
  findings.map((f) => [
    f.severity,
    markdownCode(displayPointer(f.pointer), true),
    markdownText(f.message),
    f.keyword ? markdownText(f.keyword) : '',
  ]);

const findingsOf = (result: ConformanceResult, check: CheckResult): string[] => [
  `#### ${STATUS_WORD[check.status]} ${checkLabel(result, check)}`,
  '',
  table(['Severity', 'Pointer', 'Message', 'Keyword'], ['l', 'l', 'l', 'l'], findingRows(check.findings)),
  '',
];

/**
 * `markdown` within `maxBytes` of UTF-8: whole lines up to the cap, then a line saying it was cut. The
 * limits above keep an ordinary hostile run far below the cap; this holds whatever the result holds.
 */
export const capMarkdown = (markdown: string, maxBytes: number = MARKDOWN_MAX_BYTES): string => {
  const total = Buffer.byteLength(markdown, 'utf8');
  if (total <= maxBytes) return markdown;
  const note = `\n\n**summary.md was cut at ${maxBytes} of ${total} bytes to stay under GitHub's 1 MiB step-summary limit; report.html and conformance.json have the rest.**\n`;
  const room = maxBytes - Buffer.byteLength(note, 'utf8');
  let used = 0;
  let end = 0;
  for (let next = markdown.indexOf('\n'); next !== -1; next = markdown.indexOf('\n', end)) {
    const bytes = Buffer.byteLength(markdown.slice(end, next + 1), 'utf8');
    if (used + bytes > room) break;
    used += bytes;
    end = next + 1;
  }
  return `${markdown.slice(0, end).trimEnd()}${note}`;
};

/** Document × key: conforms, or how many findings and the first pointers. */
const matrixSection = (matrix: NonNullable<ConformanceResult['specMatrix']>): string[] => [
  `### ${MATRIX_TITLE}`,
  '',
  matrix.keys.length === 0
    ? MATRIX_EMPTY
    : table(
        ['Document', ...matrix.keys.map(markdownText)],
        ['l', ...matrix.keys.map(() => 'l' as const)],
        matrix.rows.map((row) => [
          markdownText(matrixRowLabel(row)),
          ...row.cells.map((cell) => matrixCellText(cell, (pointer) => markdownCode(pointer, true))),
        ]),
      ),
  '',
];

/** A pact's place: its page on the broker as an autolink (http or https only), else its file as code. */
const pactPlace = (pact: PactRecord): string => {
  if (pact.url === undefined) return markdownCode(pact.path);
  const href = linkableUrl(pact.url);
  // WHATWG's href has no space, `<` or `>` left: nothing can end the autolink early.
  return href ? `<${href}>` : markdownCode(pact.url);
};

/** Under a broker pact's heading: where it is, why it was selected, why it only warns, what was published. */
const brokerPactLines = (pact: PactRecord): string[] => [
  `- Pact: ${pactPlace(pact)}`,
  ...brokerPactFacts(pact).map(([label, text]) => `- ${label}: ${markdownText(text)}`),
  '',
];

/** The verdict, what was run against what, and the counts. */
function headLines(result: ConformanceResult): string[] {
  const { summary, target, spec, pacts } = result;
  const elapsed = elapsedMs(result.startedAt, result.finishedAt);
  return [
    `## Conformance: ${result.verdict === 'pass' ? 'PASS' : 'FAIL'}${result.complete ? '' : ' (incomplete)'}`,
    '',
    `**Verdict: ${result.verdict.toUpperCase()}**${
      result.complete
        ? result.incompleteReason
          ? ` — ${markdownText(result.incompleteReason)}`
          : ''
        : ` — the run is incomplete: ${markdownText(result.incompleteReason ?? 'no reason given')}`
    }`,
    '',
    `- Target: ${markdownCode(target.baseUrl)}${target.reference ? ' (the reference provider)' : ''}`,
    `- Spec: ${markdownCode(spec.path)} version ${markdownText(spec.version)}, sha256 ${markdownCode(shortSha(spec.sha256))}`,
    ...pacts.map(
      (pact) =>
        `- Pact${pacts.length > 1 ? ` ${markdownCode(pact.id)}` : ''}: ${pactPlace(pact)} (${markdownText(
          `${pact.consumer}${pact.consumerVersion ? ` ${pact.consumerVersion}` : ''} → ${pact.provider}`,
        )}${pact.wip ? ', work in progress, pending' : pact.pending ? ', pending' : ''}), sha256 ${markdownCode(shortSha(pact.sha256))}`,
    ),
    `- Run: ${markdownText(result.startedAt)} to ${markdownText(result.finishedAt)}${
      elapsed === undefined ? '' : ` (${humanDuration(elapsed)})`
    }`,
    ...(result.probing ? [`- Seed: ${markdownText(probingText(result.probing))}`] : []),
    '',
    table(
      ['Passed', 'Failed', 'Warnings', 'Skipped'],
      ['r', 'r', 'r', 'r'],
      [[summary.passed, summary.failed, summary.warnings, summary.skipped]],
    ),
    '',
    ...(summary.notes > 0
      ? [
          `Warnings are the target's. Apart from them: ${plural(summary.notes, 'note')} about the document and the pact (below).`,
          '',
        ]
      : []),
  ];
}

/** Every check in a table, one table per pact when there are several. */
function checksLines(result: ConformanceResult): string[] {
  return [
    '### Checks',
    '',
    ...(result.checks.length === 0
      ? ['No check ran.', '']
      : byPact(result).flatMap((group) => [
          ...(group.title ? [`#### Checks of ${markdownText(group.title)}`, ''] : []),
          ...(group.pact?.url === undefined ? [] : brokerPactLines(group.pact)),
          table(
            ['Category', 'Check', 'Status', 'Findings', 'Attempts', 'Time'],
            ['l', 'l', 'l', 'r', 'r', 'r'],
            byCategory(group.checks)
              .flatMap(([, checks]) => checks)
              .map((c) => [
                c.category,
                markdownText(c.tally ? `${c.name} (${tallyText(c.tally)})` : c.name),
                STATUS_WORD[c.status],
                findingCount(c),
                attemptsCell(c),
                humanDuration(c.durationMs),
              ]),
          ),
          '',
        ])),
  ];
}

/**
 * `summary.md`: the verdict, the counts, every check, what failing and warning checks found, and, apart,
 * the notes about the document and the pact.
 */
export function renderMarkdown(given: ConformanceResult): string {
  const result = boundResult(given, MARKDOWN_LIMITS);
  const withFindings = result.checks.filter(hasFindingsToShow);
  const skipped = result.checks.filter((c) => c.status === 'skip');
  const notes = result.checks.filter(isNote);
  const lines = [...headLines(result), ...checksLines(result)];
  if (result.specMatrix) lines.push(...matrixSection(result.specMatrix));
  if (result.projectKeys) {
    lines.push(
      `### ${PROJECT_KEYS_TITLE}`,
      '',
      ...projectKeysFacts(result.projectKeys).map(
        ([label, text]) => `- ${markdownText(label)}: ${markdownText(text)}`,
      ),
      '',
    );
  }
  if (withFindings.length > 0)
    lines.push('### Findings', '', ...withFindings.flatMap((check) => findingsOf(result, check)));
  if (skipped.length > 0) {
    lines.push(
      '### Skipped',
      '',
      ...skipped.map((c) => `- ${checkLabel(result, c)}: ${markdownText(c.skipReason ?? 'no reason given')}`),
      '',
    );
  }
  // Last: facts about the document and the pact, not the target.
  if (notes.length > 0)
    lines.push(`### ${NOTES_TITLE}`, '', ...notes.flatMap((check) => findingsOf(result, check)));
  return capMarkdown(`${lines.join('\n').trimEnd()}\n`);
}
