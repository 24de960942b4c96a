import type { CheckResult, CheckStatus } from '../core/check.ts';
import type { Finding } from '../core/finding.ts';
import { displayPointer, elapsedMs, humanDuration, plural, shortSha } from '../core/text.ts';
import type { Attempt, Exchange } from '../transport/exchange.ts';
import { findingCount } from './bound.ts';
import {
  brokerPactFacts,
  byCategory,
  byPact,
  hasFindingsToShow,
  isNote,
  linkableUrl,
  MATRIX_EMPTY,
  MATRIX_TITLE,
  matrixCellParts,
  matrixRowLabel,
  PROJECT_KEYS_TITLE,
  passedAfterRetries,
  probingText,
  projectKeysFacts,
  tallyText,
} from './common.ts';
import type { ConformanceResult, PactRecord, ProjectKeys, SpecMatrixCell } from './conformance-result.ts';
import { boundResult } from './redact-result.ts';

// report.html: one self-contained page a person reads at a glance. No script, no external asset;
// the Content-Security-Policy forbids both, so even a mistake in escaping could not run or fetch.

const ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/**
 * Text for HTML content or a quoted attribute: markup characters as entities. Controls are already made
 * visible, with every string of the result, by boundResult.
 */
export const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (c) => ENTITIES[c] ?? c);

// The page is built only with the `html` tag, which escapes every value it is given: a string can
// reach the page unescaped only through `raw`, used once, for the page's own style sheet. Ten lines
// of our own rather than a library.

/** Markup that is safe to insert as it is: made by `html`, or declared so by `raw`. */
class Markup {
  constructor(readonly text: string) {}
}
type Value = Markup | readonly Markup[] | string | number | boolean;

const markupOf = (value: Value): string => {
  if (value instanceof Markup) return value.text;
  if (Array.isArray(value)) return value.map(markupOf).join('');
  return escapeHtml(String(value));
};

/** A template whose interpolations are escaped, except markup (and lists of it) made the same way. */
const html = (strings: TemplateStringsArray, ...values: Value[]): Markup =>
  new Markup(strings.reduce((page, text, i) => page + markupOf(values[i - 1] as Value) + text));

/** Text inserted unescaped: only for markup this module writes itself, never for a result's value. */
const raw = (trusted: string): Markup => new Markup(trusted);

/** Markup pieces one a line. */
const lines = (pieces: readonly Markup[]): Markup => new Markup(pieces.map((p) => p.text).join('\n'));

const STATUS_LABEL: Record<CheckStatus, string> = {
  pass: 'PASS',
  fail: 'FAIL',
  warn: 'WARN',
  note: 'NOTE',
  skip: 'SKIP',
};

const badge = (status: CheckStatus): Markup =>
  html`<span class="badge ${status}">${STATUS_LABEL[status]}</span>`;
const code = (text: string): Markup => html`<code>${text}</code>`;

const STYLE = `
:root { --pass: #1a7f37; --fail: #cf222e; --warn: #9a6700; --note: #0969da; --skip: #57606a; --line: #d0d7de; --soft: #f6f8fa; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "DejaVu Sans", sans-serif;
  color: #1f2328; background: #fff; }
main { max-width: 1100px; margin: 0 auto; padding: 0 24px 48px; }
code, pre { font: 13px/1.45 ui-monospace, "SFMono-Regular", Menlo, Consolas, "DejaVu Sans Mono", monospace; }
code { background: var(--soft); border-radius: 4px; padding: 1px 5px; overflow-wrap: anywhere; }
.banner { color: #fff; padding: 28px 24px; }
.banner.pass { background: var(--pass); }
.banner.fail { background: var(--fail); }
.banner .inner { max-width: 1100px; margin: 0 auto; display: flex; flex-wrap: wrap; align-items: baseline; gap: 8px 24px; }
.banner .verdict { font-size: 56px; font-weight: 800; letter-spacing: 2px; line-height: 1; }
.banner .caption { font-size: 18px; }
.banner .incomplete, .banner .reason { flex-basis: 100%; font-size: 18px; font-weight: 600; background: rgba(0,0,0,.25);
  border-radius: 6px; padding: 8px 12px; }
.banner code { background: rgba(255,255,255,.2); color: #fff; }
h2 { font-size: 20px; margin: 32px 0 12px; border-bottom: 1px solid var(--line); padding-bottom: 6px; }
h3 { font-size: 16px; margin: 24px 0 8px; text-transform: capitalize; }
h3 .tally { font-weight: 400; color: var(--skip); text-transform: none; font-size: 14px; margin-left: 8px; }
dl.meta { display: grid; grid-template-columns: max-content 1fr; gap: 4px 16px; margin: 20px 0 0; }
dl.meta dt { font-weight: 600; color: var(--skip); }
dl.meta dd { margin: 0; }
.counts { display: flex; gap: 12px; flex-wrap: wrap; margin-top: 20px; }
.count { border: 1px solid var(--line); border-left-width: 6px; border-radius: 6px; padding: 8px 16px; min-width: 130px; }
.count .n { font-size: 28px; font-weight: 700; display: block; line-height: 1.2; }
.count.pass { border-left-color: var(--pass); } .count.fail { border-left-color: var(--fail); }
.count.warn { border-left-color: var(--warn); } .count.skip { border-left-color: var(--skip); }
.count.note { border-left-color: var(--note); border-style: dashed; margin-left: 12px; }
.attention { border: 1px solid var(--fail); border-radius: 6px; padding: 8px 16px; margin-top: 20px; background: #fff8f8; }
.attention ul { margin: 4px 0; padding-left: 20px; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: 6px 10px; border-bottom: 1px solid var(--line); vertical-align: top; }
th { font-size: 13px; color: var(--skip); font-weight: 600; }
td.num, th.num { text-align: right; white-space: nowrap; }
table.checks { table-layout: fixed; }
table.checks col.status { width: 84px; }
table.checks col.num { width: 96px; }
td.name { overflow-wrap: anywhere; }
.badge { display: inline-block; min-width: 48px; text-align: center; border-radius: 12px; padding: 1px 8px;
  font-size: 12px; font-weight: 700; color: #fff; }
.badge.pass { background: var(--pass); } .badge.fail { background: var(--fail); }
.badge.warn { background: var(--warn); } .badge.skip { background: var(--skip); }
.badge.note { background: var(--note); }
.retried { display: inline-block; margin-left: 8px; font-size: 12px; border: 1px solid var(--warn); color: var(--warn);
  border-radius: 12px; padding: 0 8px; }
tr.detail td { border-bottom: 1px solid var(--line); padding-top: 0; }
ul.findings { list-style: none; margin: 0; padding: 0 0 0 12px; border-left: 3px solid var(--line); }
ul.findings li { padding: 2px 0; overflow-wrap: anywhere; }
.sev { display: inline-block; min-width: 60px; font-size: 12px; font-weight: 700; text-transform: uppercase; }
.sev.error { color: var(--fail); } .sev.warning { color: var(--warn); } .sev.note { color: var(--note); }
.kw { color: var(--skip); font-size: 13px; }
.reason { color: var(--skip); font-style: italic; }
details { margin: 8px 0; }
details > summary { cursor: pointer; }
details.exchange { border: 1px solid var(--line); border-radius: 6px; padding: 6px 12px; }
details.exchange table { margin: 6px 0; width: auto; }
details.exchange h4 { margin: 12px 0 4px; font-size: 14px; }
pre { background: var(--soft); padding: 10px; border-radius: 6px; white-space: pre-wrap; overflow-wrap: anywhere;
  max-height: 360px; overflow: auto; }
.muted { color: var(--skip); }
table.matrix td.conforms { color: var(--pass); }
table.matrix td.differs { color: var(--fail); }
table.matrix td.conforms code, table.matrix td.differs code { color: #1f2328; }
footer { margin-top: 40px; color: var(--skip); font-size: 13px; }
`;

const findingItem = (finding: Finding): Markup =>
  html`<li class="${finding.severity}"><span class="sev ${finding.severity}">${finding.severity}</span> <code class="pointer">${displayPointer(finding.pointer)}</code> <span class="message">${finding.message}</span>${finding.keyword ? html` <span class="kw">(${finding.keyword})</span>` : ''}</li>`;

const checkRows = (check: CheckResult, index: number): Markup => {
  const retried = passedAfterRetries(check)
    ? html`<span class="retried">passed after ${plural(check.attempts ?? 1, 'attempt')}</span>`
    : '';
  const over = check.tally ? html` <span class="muted">(${tallyText(check.tally)})</span>` : '';
  const rows = [
    html`<tr class="check ${check.status}" id="check-${index}"><td>${badge(check.status)}</td><td class="name">${check.name}${over}${retried}</td><td class="num">${findingCount(check)}</td><td class="num">${check.attempts ?? ''}</td><td class="num">${humanDuration(check.durationMs)}</td></tr>`,
  ];
  if (hasFindingsToShow(check) || isNote(check)) {
    rows.push(
      html`<tr class="detail"><td></td><td colspan="4"><ul class="findings">${check.findings.map(findingItem)}</ul></td></tr>`,
    );
  }
  if (check.status === 'skip') {
    rows.push(
      html`<tr class="detail"><td></td><td colspan="4" class="reason">Skipped: ${check.skipReason ?? 'no reason given'}</td></tr>`,
    );
  }
  return lines(rows);
};

const categorySections = (
  checks: readonly CheckResult[],
  indexOf: ReadonlyMap<CheckResult, number>,
): Markup => {
  return lines(
    byCategory(checks).map(([category, group]) => {
      const tally = (['fail', 'warn', 'note', 'pass', 'skip'] as const)
        .map((s) => [s, group.filter((c) => c.status === s).length] as const)
        .filter(([, n]) => n > 0)
        .map(([s, n]) => `${n} ${STATUS_LABEL[s].toLowerCase()}`)
        .join(' · ');
      return html`<section class="category" data-category="${category}">
<h3>${category}<span class="tally">${tally}</span></h3>
<table class="checks">
<colgroup><col class="status"><col><col class="num"><col class="num"><col class="num"></colgroup>
<thead><tr><th>Status</th><th>Check</th><th class="num">Findings</th><th class="num">Attempts</th><th class="num">Time</th></tr></thead>
<tbody>
${lines(group.map((c) => checkRows(c, indexOf.get(c) ?? 0)))}
</tbody>
</table>
</section>`;
    }),
  );
};

const headerTable = (headers: Record<string, string>): Markup => {
  const entries = Object.entries(headers);
  if (entries.length === 0) return html`<p class="muted">no headers</p>`;
  return html`<table class="headers"><tbody>${entries.map(
    ([name, value]) => html`<tr><th>${name}</th><td><code>${value}</code></td></tr>`,
  )}</tbody></table>`;
};

const attemptItem = (attempt: Attempt, index: number): Markup =>
  html`<li>#${index + 1} at ${attempt.startedAt}, ${humanDuration(attempt.durationMs)}${
    attempt.status !== undefined ? `, status ${attempt.status}` : ''
  }${attempt.error ? `, ${attempt.error}` : ''}${
    attempt.waitMs !== undefined ? `; waited ${humanDuration(attempt.waitMs)} before the next` : ''
  }</li>`;

const exchangeDetails = (exchange: Exchange): Markup => {
  const { request, response } = exchange;
  const outcome = response ? `${response.status}` : `no response: ${exchange.error ?? 'unknown error'}`;
  const summary = html`${code(`${request.method} ${request.url}`)} → ${outcome} <span class="muted">· ${plural(
    exchange.attempts.length,
    'attempt',
  )} · ${humanDuration(exchange.durationMs)}${exchange.check ? ` · ${exchange.check}` : ''}</span>`;
  const body = response
    ? html`<h4>Response ${response.status}</h4>${headerTable(response.headers)}
<p class="muted">Body: ${response.bodyBytes} bytes${response.truncated ? ', cut off at the size cap' : ''}; the first bytes:</p>
<pre class="body">${response.bodyExcerpt}</pre>`
    : html`<p class="reason">${exchange.error ?? 'no response'}</p>`;
  return html`<details class="exchange" data-exchange="${exchange.id}">
<summary>${summary}</summary>
<h4>Request</h4>
<p>${code(`${request.method} ${request.url}`)}</p>
${headerTable(request.headers)}
${body}
<h4>Attempts</h4>
<ol class="attempts">${exchange.attempts.map(attemptItem)}</ol>
</details>`;
};

/** Document × key: conforms, or how many findings and the first pointers. It informs; no verdict here. */
const matrixCell = (cell: SpecMatrixCell): Markup => {
  const { lead, pointers, more, close } = matrixCellParts(cell);
  const at =
    pointers.length === 0
      ? ''
      : html` at ${pointers.map((pointer, i) => html`${i > 0 ? ', ' : ''}${code(pointer)}`)}${more ? ', …' : ''}`;
  return html`<td class="${cell.conforms ? 'conforms' : 'differs'}" data-conforms="${cell.conforms}">${lead}${at}${close}</td>`;
};

const matrixSection = (matrix: NonNullable<ConformanceResult['specMatrix']>): Markup => {
  if (matrix.keys.length === 0) return html`<h2>${MATRIX_TITLE}</h2>\n<p class="muted">${MATRIX_EMPTY}</p>`;
  const head = matrix.keys.map((key) => html`<th>${key}</th>`);
  const rows = matrix.rows.map(
    (row, i) =>
      html`${i > 0 ? '\n' : ''}<tr${row.verdict ? html` class="verdict"` : ''}><th>${matrixRowLabel(row)}</th>${row.cells.map(matrixCell)}</tr>`,
  );
  return html`<h2>${MATRIX_TITLE}</h2>
<p class="muted">Each live 2xx key body held to each document given; the verdict comes from the first.</p>
<table class="matrix">
<thead><tr><th>Document</th>${head}</tr></thead>
<tbody>
${rows}
</tbody>
</table>`;
};

/** A pact's place: its page on the broker (a link when it is http or https), else its file. */
const pactPlace = (pact: PactRecord): Markup => {
  if (pact.url === undefined) return code(pact.path);
  const href = linkableUrl(pact.url);
  return href ? html`<a href="${href}">${pact.url}</a>` : code(pact.url);
};

/** Under a broker pact's heading: where it is, why it was selected, why it only warns, what was published. */
const brokerPactFactsOf = (pact: PactRecord): Markup =>
  html`<dl class="meta pact" data-pact="${pact.id}">
<dt>Pact</dt><dd>${pactPlace(pact)}</dd>
${lines(brokerPactFacts(pact).map(([label, text]) => html`<dt>${label}</dt><dd>${text}</dd>`))}
</dl>`;

/** Where the key ids came from and what listing the project's keys found. */
const projectKeysSection = (keys: ProjectKeys): Markup => html`<h2>${PROJECT_KEYS_TITLE}</h2>
<dl class="meta keys">
${lines(projectKeysFacts(keys).map(([label, text]) => html`<dt>${label}</dt><dd>${text}</dd>`))}
</dl>`;
/** The notes' count box: about the document and the pact, not the target. */
const NOTES_LABEL = 'notes about the document and the pact';

/** The verdict banner: the verdict in large, the target, and why the run is incomplete when it is. */
function bannerOf(result: ConformanceResult): Markup {
  const { verdict, target } = result;
  const incomplete = result.complete
    ? result.incompleteReason
      ? html`<div class="reason">${result.incompleteReason}</div>`
      : ''
    : html`<div class="incomplete">INCOMPLETE: ${result.incompleteReason ?? 'no reason given'}</div>`;
  return html`<header class="banner ${verdict}" data-verdict="${verdict}" data-complete="${result.complete}">
<div class="inner">
<div class="verdict">${verdict.toUpperCase()}</div>
<div class="caption">Conformance of ${code(target.baseUrl)}${target.reference ? ' (the reference provider)' : ''}</div>
${incomplete}
</div>
</header>`;
}

/** The run's facts: target, spec, pacts, times and the seed. */
function runFacts(result: ConformanceResult): Markup {
  const { target, spec, pacts } = result;
  const elapsed = elapsedMs(result.startedAt, result.finishedAt);
  return html`<dl class="meta">
<dt>Target</dt><dd>${code(target.baseUrl)}${target.reference ? ' reference provider' : ''}</dd>
<dt>Spec</dt><dd>${code(spec.path)} version ${spec.version}, sha256 <code title="${spec.sha256}">${shortSha(spec.sha256)}</code></dd>
${lines(
  pacts.map(
    (pact) =>
      html`<dt>Pact${pacts.length > 1 ? ` ${pact.id}` : ''}</dt><dd>${pactPlace(pact)} (${`${pact.consumer}${pact.consumerVersion ? ` ${pact.consumerVersion}` : ''} → ${pact.provider}`}${pact.wip ? ', work in progress, pending' : pact.pending ? ', pending' : ''}), sha256 <code title="${pact.sha256}">${shortSha(pact.sha256)}</code></dd>`,
  ),
)}
<dt>Started</dt><dd>${result.startedAt}</dd>
<dt>Finished</dt><dd>${result.finishedAt}${elapsed === undefined ? '' : ` (${humanDuration(elapsed)})`}</dd>
${result.probing ? html`<dt>Seed</dt><dd>${probingText(result.probing)}</dd>` : ''}
</dl>`;
}

/** The target's counts, then, set apart, the notes about the document and the pact. */
function countsOf(summary: ConformanceResult['summary']): Markup {
  const counts: [CheckStatus, number, string][] = [
    ['pass', summary.passed, 'passed'],
    ['fail', summary.failed, 'failed'],
    ['warn', summary.warnings, 'warnings'],
    ['skip', summary.skipped, 'skipped'],
    ...(summary.notes > 0 ? [['note', summary.notes, NOTES_LABEL] as [CheckStatus, number, string]] : []),
  ];
  return html`<div class="counts">
${lines(counts.map(([status, n, label]) => html`<div class="count ${status}" data-count="${label}"><span class="n">${n}</span>${label}</div>`))}
</div>`;
}

/** The failing checks by name, each a link to its row, so none needs a click to find. */
function attentionOf(result: ConformanceResult): Markup | '' {
  const failing = result.checks.map((c, i) => [c, i] as const).filter(([c]) => c.status === 'fail');
  return failing.length === 0
    ? ''
    : html`<div class="attention"><strong>${plural(failing.length, 'check')} failed:</strong><ul>${failing.map(
        ([c, i]) => html`<li><a href="#check-${i}">${`${c.category}: ${c.name}`}</a></li>`,
      )}</ul></div>`;
}

/** Every check by category, under one heading per pact when there are several. */
function checksOf(result: ConformanceResult): Markup {
  const indexOf = new Map(result.checks.map((c, i) => [c, i]));
  return result.checks.length === 0
    ? html`<h2>Checks</h2>\n<p class="muted">No check ran.</p>`
    : lines(
        byPact(result).map(
          (group) =>
            html`<h2>Checks${group.title ? ` of ${group.title}` : ''}</h2>\n${group.pact?.url === undefined ? '' : brokerPactFactsOf(group.pact)}${categorySections(group.checks, indexOf)}`,
        ),
      );
}

function exchangesOf(result: ConformanceResult): Markup {
  return result.exchanges.length === 0
    ? html`<p class="muted">No exchange was recorded.</p>`
    : html`<details class="exchanges">
<summary>${plural(result.exchanges.length, 'recorded exchange')} with the target (requests, statuses, headers, body excerpts)</summary>
${lines(result.exchanges.map(exchangeDetails))}
</details>`;
}

/** `report.html`: verdict banner, run facts, counts, checks by category with findings, exchanges. */
export function renderHtml(given: ConformanceResult): string {
  const result = boundResult(given);
  const { verdict, target } = result;
  const title = `Conformance ${verdict.toUpperCase()}${result.complete ? '' : ' (incomplete)'}: ${target.baseUrl}`;
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>${title}</title>
<style>${raw(STYLE)}</style>
</head>
<body>
${bannerOf(result)}
<main>
${runFacts(result)}
${countsOf(result.summary)}
${attentionOf(result)}
${result.specMatrix ? matrixSection(result.specMatrix) : ''}
${result.projectKeys ? projectKeysSection(result.projectKeys) : ''}
${checksOf(result)}
<h2>Exchanges</h2>
${exchangesOf(result)}
<footer>Rendered from the run's result as given: the verdict is the run's, not this page's.</footer>
</main>
</body>
</html>
`.text;
}
