import type { CheckResult, CheckStatus, ConformanceResult } from '../conformance/result.ts';
import type { Finding } from '../finding.ts';
import { redactResult } from './redact.ts';
import {
  byCategory,
  byPact,
  displayPointer,
  elapsedMs,
  hasFindingsToShow,
  humanDuration,
  oneLine,
  pactPrefix,
  passedAfterRetries,
  shortSha,
} from './text.ts';

// summary.md: GitHub-flavoured Markdown for a pull request comment or $GITHUB_STEP_SUMMARY.
// Everything from a body is escaped: a finding must not turn into a link, a tag or a broken table.

/** A step summary is capped at 1 MiB; past this many findings per check, report.html has the rest. */
export const MARKDOWN_FINDINGS_PER_CHECK = 25;

export const STATUS_WORD: Record<CheckStatus, string> = {
  pass: 'PASS',
  fail: 'FAIL',
  warn: 'WARN',
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
  const longest = Math.max(0, ...(line.match(/`+/g) ?? []).map((run) => run.length));
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

const findingsOf = (result: ConformanceResult, check: CheckResult): string[] => {
  const shown = check.findings.slice(0, MARKDOWN_FINDINGS_PER_CHECK);
  const hidden = check.findings.length - shown.length;
  return [
    `#### ${STATUS_WORD[check.status]} ${checkLabel(result, check)}`,
    '',
    table(['Severity', 'Pointer', 'Message', 'Keyword'], ['l', 'l', 'l', 'l'], findingRows(shown)),
    ...(hidden > 0 ? ['', `…and ${hidden} more findings in report.html.`] : []),
    '',
  ];
};

/** `summary.md`: the verdict, the counts, every check, and what failing and warning checks found. */
export const renderMarkdown = (given: ConformanceResult): string => {
  const result = redactResult(given);
  const { summary, target, spec, pacts } = result;
  const elapsed = elapsedMs(result.startedAt, result.finishedAt);
  const withFindings = result.checks.filter(hasFindingsToShow);
  const skipped = result.checks.filter((c) => c.status === 'skip');
  const lines = [
    `## Conformance: ${result.verdict === 'pass' ? 'PASS' : 'FAIL'}${result.complete ? '' : ' (incomplete)'}`,
    '',
    `**Verdict: ${result.verdict.toUpperCase()}**${
      result.complete
        ? ''
        : ` — the run is incomplete: ${markdownText(result.incompleteReason ?? 'no reason given')}`
    }`,
    '',
    `- Target: ${markdownCode(target.baseUrl)}${target.reference ? ' (the reference provider)' : ''}`,
    `- Spec: ${markdownCode(spec.path)} version ${markdownText(spec.version)}, sha256 ${markdownCode(shortSha(spec.sha256))}`,
    ...pacts.map(
      (pact) =>
        `- Pact${pacts.length > 1 ? ` ${markdownCode(pact.id)}` : ''}: ${markdownCode(pact.path)} (${markdownText(
          `${pact.consumer} → ${pact.provider}`,
        )}${pact.pending || pact.wip ? ', pending' : ''}), sha256 ${markdownCode(shortSha(pact.sha256))}`,
    ),
    `- Run: ${markdownText(result.startedAt)} to ${markdownText(result.finishedAt)}${
      elapsed === undefined ? '' : ` (${humanDuration(elapsed)})`
    }`,
    '',
    table(
      ['Passed', 'Failed', 'Warnings', 'Skipped'],
      ['r', 'r', 'r', 'r'],
      [[summary.passed, summary.failed, summary.warnings, summary.skipped]],
    ),
    '',
    '### Checks',
    '',
    ...(result.checks.length === 0
      ? ['No check ran.', '']
      : byPact(result).flatMap((group) => [
          ...(group.title ? [`#### Checks of ${markdownText(group.title)}`, ''] : []),
          table(
            ['Category', 'Check', 'Status', 'Findings', 'Attempts', 'Time'],
            ['l', 'l', 'l', 'r', 'r', 'r'],
            byCategory(group.checks)
              .flatMap(([, checks]) => checks)
              .map((c) => [
                c.category,
                markdownText(c.name),
                STATUS_WORD[c.status],
                c.findings.length,
                attemptsCell(c),
                humanDuration(c.durationMs),
              ]),
          ),
          '',
        ])),
  ];
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
  return `${lines.join('\n').trimEnd()}\n`;
};
