import {
  CHECK_CATEGORIES,
  type CheckCategory,
  type CheckResult,
  type ConformanceResult,
  type PactRecord,
} from '../conformance/result.ts';
import type { SpecMatrixCell, SpecMatrixRow } from '../conformance/spec-matrix.ts';
import type { Finding } from '../finding.ts';

// Small pieces every report format shares, so the four say the same thing the same way.

// C0 controls other than tab, newline and carriage return, and the two noncharacters XML 1.0 forbids.
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding these characters is the point.
const FORBIDDEN_CONTROLS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * Text from a hostile body made safe to show: controls become visible `\u001b`-style escapes (so a
 * reader sees that something was there) and unpaired surrogates become U+FFFD. XML 1.0 forbids both.
 */
export const visibleText = (text: string): string =>
  text
    .replace(FORBIDDEN_CONTROLS, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
    .replace(LONE_SURROGATE, '\uFFFD');

/**
 * One line of visible text, for attributes, table cells and console lines: each run of line breaks, with
 * the whitespace around it, becomes one space. Split and trimmed, not matched with `\s*[\r\n]+\s*`: that
 * pattern backtracks quadratically on a long run of spaces with no line break (224 s for 100 KB).
 */
export const oneLine = (text: string): string => {
  const visible = visibleText(text);
  const lines = visible.split(/[\r\n]+/);
  if (lines.length === 1) return visible;
  const last = lines.length - 1;
  const kept = lines
    .map((line, i) => (i === 0 ? line.trimEnd() : i === last ? line.trimStart() : line.trim()))
    .filter((line, i) => line !== '' || i === 0 || i === last);
  return kept.join(' ');
};

/** The root pointer is the empty string, which reads as nothing at all; name it. */
export const displayPointer = (pointer: string): string => (pointer === '' ? '(root)' : pointer);

/** Enough of a sha256 to tell two documents apart at a glance. */
export const shortSha = (sha256: string): string => sha256.slice(0, 12);

export const seconds = (ms: number): string => (ms / 1000).toFixed(3);

/** A duration for a person: `850 ms`, `2.4 s`. */
export const humanDuration = (ms: number): string =>
  ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;

/** Milliseconds between two ISO timestamps, or undefined when either does not parse. */
export const elapsedMs = (from: string, to: string): number | undefined => {
  const ms = Date.parse(to) - Date.parse(from);
  return Number.isFinite(ms) ? ms : undefined;
};

export const plural = (count: number, word: string, words = `${word}s`): string =>
  `${count} ${count === 1 ? word : words}`;

/** Checks grouped by category in the model's category order; categories with no check are left out. */
export const byCategory = (checks: readonly CheckResult[]): [CheckCategory, CheckResult[]][] =>
  CHECK_CATEGORIES.map((category): [CheckCategory, CheckResult[]] => [
    category,
    checks.filter((c) => c.category === category),
  ]).filter(([, group]) => group.length > 0);

/** The findings a person must read: every finding of a failing or warning check. */
export const hasFindingsToShow = (check: CheckResult): boolean =>
  (check.status === 'fail' || check.status === 'warn') && check.findings.length > 0;

/** A check that passed (or warned) only after its exchanges were retried. */
export const passedAfterRetries = (check: CheckResult): boolean =>
  (check.status === 'pass' || check.status === 'warn') && (check.attempts ?? 1) > 1;

/** The one finding that says most: the first error, else the first warning. */
export const leadingFinding = (check: CheckResult): Finding | undefined =>
  check.findings.find((f) => f.severity === 'error') ?? check.findings[0];

/** `error /owner/user/added_at required property "added_at" is missing (required)` */
export const findingLine = (finding: Finding): string =>
  `${finding.severity} ${displayPointer(finding.pointer)} ${oneLine(finding.message)}${
    finding.keyword ? ` (${finding.keyword})` : ''
  }`;

/** What the spec matrix section is called in every report. */
export const MATRIX_TITLE = 'Which document the target serves';
export const MATRIX_EMPTY = 'No live 2xx key body to hold to the documents.';

/** A matrix row's document: its path and OpenAPI version, marked when the verdict comes from it. */
export const matrixRowLabel = (row: SpecMatrixRow): string =>
  `${row.spec.path} (OpenAPI ${row.spec.openapi}${row.verdict ? ', the verdict’s' : ''})`;

/** A matrix cell's words around its pointers, so each format renders the pointers its own way. */
export const matrixCellParts = (
  cell: SpecMatrixCell,
): { lead: string; pointers: string[]; more: boolean; close: string } => {
  const counts = [
    cell.errors > 0 ? plural(cell.errors, 'error') : '',
    cell.warnings > 0 ? plural(cell.warnings, 'warning') : '',
  ]
    .filter(Boolean)
    .join(', ');
  const pointers = cell.pointers.map(displayPointer);
  const more = cell.errors + cell.warnings > cell.pointers.length;
  if (cell.conforms)
    return counts
      ? { lead: `conforms (${counts}`, pointers, more, close: ')' }
      : { lead: 'conforms', pointers: [], more: false, close: '' };
  return { lead: `does not conform: ${counts}`, pointers, more, close: '' };
};

/**
 * A matrix cell in words: `conforms`, `conforms (1 warning at /x)`, `does not conform: 2 errors at /a, /b`.
 * `code` renders a pointer for the format at hand (escaped there); the rest is plain ASCII words.
 */
export const matrixCellText = (
  cell: SpecMatrixCell,
  code: (pointer: string) => string = (pointer) => pointer,
): string => {
  const { lead, pointers, more, close } = matrixCellParts(cell);
  const at = pointers.length > 0 ? ` at ${pointers.map(code).join(', ')}${more ? ', …' : ''}` : '';
  return `${lead}${at}${close}`;
};

/** `pact web-app: web-app → openai-admin-api 1.2.3 (pending)`: which pact a group of checks is about. */
export const pactTitle = (pact: PactRecord): string =>
  `pact ${pact.id}: ${pact.consumer} → ${pact.provider}${pact.consumerVersion ? ` ${pact.consumerVersion}` : ''}${
    pact.wip ? ' (work in progress, pending)' : pact.pending ? ' (pending)' : ''
  }`;

/**
 * Whether the reports group checks by pact: when the run verified several, or any from a Pact Broker (each
 * such pact is a group of its own, named by consumer version and linked). A run of one pact file reads as before.
 */
export const groupsByPact = (result: Pick<ConformanceResult, 'pacts'>): boolean =>
  result.pacts.length > 1 || result.pacts.some((pact) => pact.url !== undefined);

export interface CheckGroup {
  /** Absent when the run verified one pact file: its checks are all the checks. */
  title?: string;
  /** The pact the group is about; absent for the document's own checks. */
  pact?: PactRecord;
  checks: CheckResult[];
}

/**
 * Checks grouped by the pact they belong to, in the pacts' order, then the document's own checks. A run
 * of one pact file is one group with no title, so its reports read as before.
 */
export const byPact = (result: Pick<ConformanceResult, 'pacts' | 'checks'>): CheckGroup[] => {
  if (!groupsByPact(result)) return [{ checks: [...result.checks] }];
  const ids = new Set(result.pacts.map((p) => p.id));
  const groups: CheckGroup[] = result.pacts.map((pact) => ({
    title: pactTitle(pact),
    pact,
    checks: result.checks.filter((c) => c.pact === pact.id),
  }));
  groups.push({
    title: 'the OpenAPI document',
    checks: result.checks.filter((c) => c.pact === undefined || !ids.has(c.pact)),
  });
  // A broker's pact keeps its group (and its link and status) even when the run stopped before its checks.
  return groups.filter((group) => group.checks.length > 0 || group.pact?.url !== undefined);
};

/** A check's pact, as a prefix for one-line mentions, when the reports group checks by pact. */
export const pactPrefix = (result: Pick<ConformanceResult, 'pacts'>, check: CheckResult): string =>
  groupsByPact(result) && check.pact !== undefined ? `[${check.pact}] ` : '';

/** A URL a report may link to: http or https only (a broker's `javascript:` link is shown, never followed). */
export const linkableUrl = (url: string | undefined): string | undefined => {
  if (url === undefined) return undefined;
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed.href : undefined;
  } catch {
    return undefined;
  }
};

/** Why a pending pact's failures only warn, in words, or undefined for a pact that is not pending. */
export const pendingText = (pact: Pick<PactRecord, 'pending' | 'wip'>): string | undefined => {
  if (pact.wip) {
    return 'work in progress (verified because of --include-wip-pacts-since, not selected by a selector), so pending: a failure of its interactions is a warning and does not fail the verification';
  }
  if (pact.pending) {
    return 'pending (no successful verification of this pact from the provider branch yet): a failure of its interactions is a warning and does not fail the verification';
  }
  return undefined;
};

/** What `--publish-results` did for a pact, in one line. */
export const publicationText = (publication: NonNullable<PactRecord['publication']>): string => {
  const what = `${publication.success ? 'success' : 'failure'} (provider version ${publication.providerVersion}${
    publication.providerBranch ? `, branch ${publication.providerBranch}` : ''
  })`;
  return publication.published
    ? `${what} published to the Pact Broker${publication.url ? `: ${publication.url}` : ''}`
    : `${what} not published: ${publication.error ?? 'no reason given'}`;
};

/** What a report says about a pact from a Pact Broker beyond its title: label and text, one per line. */
export const brokerPactFacts = (pact: PactRecord): [label: string, text: string][] => {
  const pending = pendingText(pact);
  return [
    ...(pact.selectedBecause ? [['Selected', pact.selectedBecause] as [string, string]] : []),
    ...(pending ? [['Status', pending] as [string, string]] : []),
    ...(pact.notices ?? []).map((notice): [string, string] => ['Broker notice', notice]),
    ...(pact.publication
      ? [['Verification result', publicationText(pact.publication)] as [string, string]]
      : []),
  ];
};
