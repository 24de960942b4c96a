import { CHECK_CATEGORIES, type CheckCategory, type CheckResult, type CheckTally } from '../core/check.ts';
import type { Finding } from '../core/finding.ts';
import { displayPointer, humanDuration, oneLine, plural } from '../core/text.ts';
import type {
  ConformanceResult,
  ConformanceSummary,
  PactRecord,
  Probing,
  ProjectKeys,
  SpecMatrixCell,
  SpecMatrixRow,
} from './conformance-result.ts';

// Small pieces every report format shares, so the four say the same thing the same way.

/** Checks grouped by category in the model's category order; categories with no check are left out. */
export const byCategory = (checks: readonly CheckResult[]): [CheckCategory, CheckResult[]][] =>
  CHECK_CATEGORIES.map((category): [CheckCategory, CheckResult[]] => [
    category,
    checks.filter((c) => c.category === category),
  ]).filter(([, group]) => group.length > 0);

/** What every report calls the findings about the document and the pact, kept apart from the target's. */
export const NOTES_TITLE = 'Notes about the document and the pact';

/** A check whose findings are all notes about the document or the pact (not the target). */
export const isNote = (check: CheckResult): boolean => check.status === 'note';

/** `15 passed, 0 failed, 0 warnings, 4 skipped; 2 notes about the document and the pact`. */
export function countsText(summary: ConformanceSummary): string {
  const target = `${summary.passed} passed, ${summary.failed} failed, ${plural(summary.warnings, 'warning')}, ${summary.skipped} skipped`;
  return summary.notes > 0
    ? `${target}; ${plural(summary.notes, 'note')} about the document and the pact`
    : target;
}

/** The findings a person must read: every finding of a failing or warning check. */
export const hasFindingsToShow = (check: CheckResult): boolean =>
  (check.status === 'fail' || check.status === 'warn') && check.findings.length > 0;

/** A check that passed (or warned) only after its exchanges were retried. */
export const passedAfterRetries = (check: CheckResult): boolean =>
  (check.status === 'pass' || check.status === 'warn') && (check.attempts ?? 1) > 1;

/** The one finding that says most: the first error, else the first warning. */
export const leadingFinding = (check: CheckResult): Finding | undefined =>
  check.findings.find((f) => f.severity === 'error') ?? check.findings[0];

/**
 * `error /owner/user/added_at required property "added_at" is missing (required)`: one line, whatever the
 * pointer (a body's property name) or the keyword holds.
 */
export const findingLine = (finding: Finding): string =>
  `${finding.severity} ${oneLine(displayPointer(finding.pointer))} ${oneLine(finding.message)}${
    finding.keyword ? ` (${oneLine(finding.keyword)})` : ''
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

/** A check over many subjects in words: `2000 keys: 3 failed, 1 warned, 2 with nothing to judge`. */
export const tallyText = (tally: CheckTally): string => {
  const parts = [
    tally.failed > 0 ? `${tally.failed} failed` : '',
    tally.warned > 0 ? `${tally.warned} warned` : '',
    tally.skipped > 0 ? `${tally.skipped} with nothing to judge` : '',
  ].filter(Boolean);
  return `${tally.judged} ${tally.unit} judged${parts.length > 0 ? `: ${parts.join(', ')}` : ''}`;
};

/** What the reports call the section on the project's keys. */
export const PROJECT_KEYS_TITLE = "The project's keys";

/** The section on the project's keys as label and text, one per line, for every report. */
export const projectKeysFacts = (keys: ProjectKeys): [label: string, text: string][] => {
  const facts: [string, string][] = [
    ['Project', keys.projectId],
    [
      'List',
      `${keys.list.operation} of ${keys.list.document}${keys.list.note ? ` (${keys.list.note})` : ''}`,
    ],
    ...keys.ids.map((record): [string, string] => [
      record.state,
      record.id === undefined ? `none: ${record.detail}` : `${record.id}: ${record.detail}`,
    ]),
  ];
  if (keys.discovery) {
    facts.push([
      'Discovery',
      `${plural(keys.discovery.pages, 'page')} and ${plural(keys.discovery.keysRead, 'key')} read to find the key ids`,
    ]);
  }
  const sweep = keys.sweep;
  if (sweep) {
    const kept =
      sweep.exchangesNotKept > 0
        ? `; ${plural(sweep.exchangesNotKept, 'exchange')} not kept in the report`
        : '';
    facts.push([
      'Sweep',
      `${plural(sweep.listed, 'key')} listed on ${plural(sweep.pages, 'page')}, ${sweep.retrieved} retrieved in ${humanDuration(sweep.durationMs)} (${sweep.keysPerSecond} keys/s, ${sweep.concurrency} at a time, --max-keys ${sweep.maxKeys}), ${sweep.failedKeys} failing${sweep.stoppedBecause ? `; stopped: ${sweep.stoppedBecause}` : ''}${kept}`,
    ]);
  }
  return facts;
};

/** The run's seed and its probes in one line: `seed 7; 40 probes: 38 sent, …; replay with --seed 7 --probes 40`. */
export const probingText = (probing: Probing): string => {
  if (probing.probes === 0) return `seed ${probing.seed}; probing off (--probes 0)`;
  const limited = probing.rateLimited > 0 ? `, ${probing.rateLimited} still rate-limited after retries` : '';
  return `seed ${probing.seed}; ${plural(probing.probes, 'probe')}: ${probing.sent} sent, ${probing.answered} answered${limited}, ${probing.shrinkRequests} more to shrink failures; replay with ${probing.replay}`;
};
