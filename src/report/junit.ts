import { XMLBuilder } from 'fast-xml-parser';
import type { CheckCategory, CheckResult } from '../core/check.ts';
import { elapsedMs, oneLine, plural, seconds } from '../core/text.ts';
import {
  byCategory,
  countsText,
  findingLine,
  groupsByPact,
  leadingFinding,
  MATRIX_EMPTY,
  MATRIX_TITLE,
  matrixCellText,
  matrixRowLabel,
  NOTES_TITLE,
  passedAfterRetries,
  probingText,
  projectKeysFacts,
  publicationText,
  tallyText,
} from './common.ts';
import type { ConformanceResult } from './conformance-result.ts';
import { boundResult } from './redact-result.ts';

// junit.xml, as CI servers read it (Jenkins, GitLab, GitHub test reporters): a suite per check
// category, a case per check, plus a `conformance.run` suite that carries the run's own verdict, so
// an incomplete or failed run cannot look green to a server that only counts testcases.

type XmlNode = Record<string, unknown>;

const builder = new XMLBuilder({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  format: true,
  indentBy: '  ',
  suppressEmptyNode: true,
  // `reference="true"` must stay an attribute value, not collapse to a bare attribute name.
  suppressBooleanAttributes: false,
});

/** `conformance.schema`; with several pacts, `conformance.<pact>.schema` for a pact's checks. */
export const suiteName = (category: CheckCategory | 'run', pact?: string): string =>
  pact === undefined ? `conformance.${category}` : `conformance.${pact}.${category}`;

/** JUnit timestamps are ISO 8601 without a zone (Ant's form); ours are UTC. */
const junitTimestamp = (iso: string): string | undefined => {
  const ms = Date.parse(iso);
  return Number.isFinite(ms) ? new Date(ms).toISOString().slice(0, 19) : undefined;
};

/**
 * Attribute values are one line: parsers fold newlines in attributes to spaces anyway. Every string of the
 * result is already visible text (boundResult): nothing XML 1.0 forbids is left in it.
 */
const attribute = (text: string): string => oneLine(text);
const lines = (texts: readonly string[]): string => texts.join('\n');

const testcase = (check: CheckResult, pact?: string): XmlNode => {
  const node: XmlNode = {
    '@_name': attribute(check.name),
    '@_classname': suiteName(check.category, pact),
    '@_time': seconds(check.durationMs),
  };
  if (check.status === 'skip') {
    node.skipped = { '@_message': attribute(check.skipReason ?? 'skipped') };
  }
  if (check.status === 'fail') {
    const lead = leadingFinding(check);
    node.failure = {
      '@_message': attribute(lead ? findingLine(lead) : 'failed'),
      '@_type': attribute(lead?.keyword ?? check.category),
      '#text': lines(check.findings.map(findingLine)),
    };
  }
  // Warnings and notes are not failures: a passing case that says them. A note is about the document or the pact.
  const out: string[] = [];
  if (check.tally) out.push(tallyText(check.tally));
  if (check.status === 'warn') out.push(...check.findings.map(findingLine));
  if (check.status === 'note') out.push(`${NOTES_TITLE}:`, ...check.findings.map(findingLine));
  if ((check.attempts ?? 1) > 1) {
    out.push(
      passedAfterRetries(check)
        ? `passed only after ${plural(check.attempts ?? 1, 'attempt')}`
        : `took ${plural(check.attempts ?? 1, 'attempt')}`,
    );
  }
  if (out.length > 0) node['system-out'] = lines(out);
  return node;
};

const suiteOf = (
  category: CheckCategory,
  checks: readonly CheckResult[],
  timestamp?: string,
  pact?: string,
): XmlNode => ({
  '@_name': suiteName(category, pact),
  '@_tests': checks.length,
  '@_failures': checks.filter((c) => c.status === 'fail').length,
  '@_errors': 0,
  '@_skipped': checks.filter((c) => c.status === 'skip').length,
  '@_time': seconds(checks.reduce((sum, c) => sum + c.durationMs, 0)),
  ...(timestamp ? { '@_timestamp': timestamp } : {}),
  testcase: checks.map((check) => testcase(check, pact)),
});

/** The verdict case: the verdict as given, an incomplete run as an error, the spec matrix as its output. */
function verdictCase(result: ConformanceResult): XmlNode {
  const counts = countsText(result.summary);
  const verdict: XmlNode = {
    '@_name': 'verdict',
    '@_classname': suiteName('run'),
    '@_time': seconds(elapsedMs(result.startedAt, result.finishedAt) ?? 0),
  };
  if (!result.complete) {
    verdict.error = {
      '@_message': attribute(`run incomplete: ${result.incompleteReason ?? 'no reason given'}`),
      '@_type': 'incomplete',
      '#text': lines([`verdict: ${result.verdict}`, counts]),
    };
  } else if (result.verdict === 'fail') {
    const reason = result.incompleteReason ? `: ${result.incompleteReason}` : '';
    verdict.failure = { '@_message': attribute(`verdict: fail (${counts})${reason}`), '@_type': 'verdict' };
  }
  const matrix = result.specMatrix;
  if (matrix) {
    verdict['system-out'] = lines([
      `${MATRIX_TITLE}:`,
      ...(matrix.keys.length === 0
        ? [MATRIX_EMPTY]
        : matrix.rows.flatMap((row) => [
            matrixRowLabel(row),
            ...row.cells.map((cell) => `  ${cell.key}: ${matrixCellText(cell)}`),
          ])),
    ]);
  }
  return verdict;
}

/** Each pact's facts as properties, under `pact.` or, with several pacts, `pact.<id>.`. */
function pactProperties(result: ConformanceResult): [string, string][] {
  return result.pacts.flatMap((pact): [string, string][] => {
    const name = groupsByPact(result) ? `pact.${pact.id}` : 'pact';
    const optional: [string, string | undefined][] = [
      [`${name}.consumerVersion`, pact.consumerVersion],
      [`${name}.url`, pact.url],
      [`${name}.pending`, pact.pending || pact.wip ? 'true' : undefined],
      [`${name}.wip`, pact.wip ? 'true' : undefined],
      [`${name}.selectedBecause`, pact.selectedBecause],
      [`${name}.publication`, pact.publication && publicationText(pact.publication)],
    ];
    return [
      [`${name}.path`, pact.path],
      [`${name}.sha256`, pact.sha256],
      [`${name}.consumer`, pact.consumer],
      ...optional.filter((entry): entry is [string, string] => entry[1] !== undefined),
    ];
  });
}

/** The run's facts as the run suite's properties. */
function runProperties(result: ConformanceResult): [string, string | boolean][] {
  return [
    ['verdict', result.verdict],
    ['complete', result.complete],
    // Notes are about the document and the pact, not the target: counted here, never as failures.
    ['notes', String(result.summary.notes)],
    ['target.baseUrl', result.target.baseUrl],
    ['target.reference', result.target.reference],
    ['spec.path', result.spec.path],
    ['spec.version', result.spec.version],
    ['spec.sha256', result.spec.sha256],
    ...pactProperties(result),
    ['startedAt', result.startedAt],
    ['finishedAt', result.finishedAt],
    ...(result.probing
      ? [
          ['seed', String(result.probing.seed)] as [string, string],
          ['probing', probingText(result.probing)] as [string, string],
        ]
      : []),
    ...(result.projectKeys
      ? projectKeysFacts(result.projectKeys).map(([label, text]): [string, string] => [
          `projectKeys: ${label}`,
          text,
        ])
      : []),
    // Document × key, informing only: a document the target does not serve is no failure of the run.
    ...(result.specMatrix?.rows.flatMap((row) =>
      row.cells.map((cell): [string, string] => [
        `specMatrix: ${row.spec.path} × ${cell.key}`,
        matrixCellText(cell),
      ]),
    ) ?? []),
  ];
}

/** The run itself as one case: its verdict as given, an incomplete run as an error. */
function runSuite(result: ConformanceResult, timestamp?: string): XmlNode {
  const verdict = verdictCase(result);
  const properties = runProperties(result);
  return {
    '@_name': suiteName('run'),
    '@_tests': 1,
    '@_failures': verdict.failure ? 1 : 0,
    '@_errors': verdict.error ? 1 : 0,
    '@_skipped': 0,
    '@_time': verdict['@_time'],
    ...(timestamp ? { '@_timestamp': timestamp } : {}),
    properties: {
      property: properties.map(([name, value]) => ({
        '@_name': attribute(name),
        '@_value': attribute(String(value)),
      })),
    },
    testcase: [verdict],
  };
}

const total = (suites: readonly XmlNode[], key: string): number =>
  suites.reduce((sum, suite) => sum + Number(suite[key]), 0);

/** `junit.xml`: one `<testsuite>` per check category, one `<testcase>` per check, findings in `<failure>`. */
export const renderJunit = (given: ConformanceResult): string => {
  const result = boundResult(given);
  const timestamp = junitTimestamp(result.startedAt);
  // With several pacts, a suite per pact and category: the same check name under two pacts stays apart.
  const several = groupsByPact(result);
  const groups: [string | undefined, CheckResult[]][] = several
    ? [
        ...result.pacts.map((p): [string, CheckResult[]] => [
          p.id,
          result.checks.filter((c) => c.pact === p.id),
        ]),
        [undefined, result.checks.filter((c) => !result.pacts.some((p) => p.id === c.pact))],
      ]
    : [[undefined, [...result.checks]]];
  const suites = [
    ...groups.flatMap(([pact, checks]) =>
      byCategory(checks).map(([category, group]) => suiteOf(category, group, timestamp, pact)),
    ),
    runSuite(result, timestamp),
  ];
  const document = {
    '?xml': { '@_version': '1.0', '@_encoding': 'UTF-8' },
    testsuites: {
      '@_name': 'conformance',
      '@_tests': total(suites, '@_tests'),
      '@_failures': total(suites, '@_failures'),
      '@_errors': total(suites, '@_errors'),
      '@_skipped': total(suites, '@_skipped'),
      '@_time': seconds(elapsedMs(result.startedAt, result.finishedAt) ?? 0),
      testsuite: suites,
    },
  };
  return builder.build(document) as string;
};
