import type {
  Attempt,
  CheckResult,
  CheckStatus,
  ConformanceResult,
  Exchange,
} from '../conformance/result.ts';
import type { Finding } from '../finding.ts';
import { redactResult } from './redact.ts';
import {
  byCategory,
  byPact,
  displayPointer,
  elapsedMs,
  hasFindingsToShow,
  humanDuration,
  passedAfterRetries,
  plural,
  shortSha,
  visibleText,
} from './text.ts';

// report.html: one self-contained page a person reads at a glance. No script, no external asset;
// the Content-Security-Policy forbids both, so even a mistake in escaping could not run or fetch.

const ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Text for HTML content or a quoted attribute: markup characters as entities, controls made visible. */
export const escapeHtml = (text: string): string =>
  visibleText(text).replace(/[&<>"']/g, (c) => ENTITIES[c] ?? c);

const STATUS_LABEL: Record<CheckStatus, string> = { pass: 'PASS', fail: 'FAIL', warn: 'WARN', skip: 'SKIP' };

const badge = (status: CheckStatus): string => `<span class="badge ${status}">${STATUS_LABEL[status]}</span>`;
const code = (text: string): string => `<code>${escapeHtml(text)}</code>`;

const STYLE = `
:root { --pass: #1a7f37; --fail: #cf222e; --warn: #9a6700; --skip: #57606a; --line: #d0d7de; --soft: #f6f8fa; }
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
.banner .incomplete { flex-basis: 100%; font-size: 18px; font-weight: 600; background: rgba(0,0,0,.25);
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
.retried { display: inline-block; margin-left: 8px; font-size: 12px; border: 1px solid var(--warn); color: var(--warn);
  border-radius: 12px; padding: 0 8px; }
tr.detail td { border-bottom: 1px solid var(--line); padding-top: 0; }
ul.findings { list-style: none; margin: 0; padding: 0 0 0 12px; border-left: 3px solid var(--line); }
ul.findings li { padding: 2px 0; overflow-wrap: anywhere; }
.sev { display: inline-block; min-width: 60px; font-size: 12px; font-weight: 700; text-transform: uppercase; }
.sev.error { color: var(--fail); } .sev.warning { color: var(--warn); }
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
footer { margin-top: 40px; color: var(--skip); font-size: 13px; }
`;

const findingItem = (finding: Finding): string =>
  `<li class="${finding.severity}"><span class="sev ${finding.severity}">${escapeHtml(finding.severity)}</span> ` +
  `<code class="pointer">${escapeHtml(displayPointer(finding.pointer))}</code> ` +
  `<span class="message">${escapeHtml(finding.message)}</span>` +
  (finding.keyword ? ` <span class="kw">(${escapeHtml(finding.keyword)})</span>` : '') +
  '</li>';

const checkRows = (check: CheckResult, index: number): string => {
  const retried = passedAfterRetries(check)
    ? `<span class="retried">passed after ${plural(check.attempts ?? 1, 'attempt')}</span>`
    : '';
  const rows = [
    `<tr class="check ${check.status}" id="check-${index}">` +
      `<td>${badge(check.status)}</td>` +
      `<td class="name">${escapeHtml(check.name)}${retried}</td>` +
      `<td class="num">${check.findings.length}</td>` +
      `<td class="num">${check.attempts ?? ''}</td>` +
      `<td class="num">${humanDuration(check.durationMs)}</td></tr>`,
  ];
  if (hasFindingsToShow(check)) {
    rows.push(
      `<tr class="detail"><td></td><td colspan="4"><ul class="findings">${check.findings
        .map(findingItem)
        .join('')}</ul></td></tr>`,
    );
  }
  if (check.status === 'skip') {
    rows.push(
      `<tr class="detail"><td></td><td colspan="4" class="reason">Skipped: ${escapeHtml(
        check.skipReason ?? 'no reason given',
      )}</td></tr>`,
    );
  }
  return rows.join('\n');
};

const categorySections = (
  checks: readonly CheckResult[],
  indexOf: ReadonlyMap<CheckResult, number>,
): string => {
  return byCategory(checks)
    .map(([category, group]) => {
      const tally = (['fail', 'warn', 'pass', 'skip'] as const)
        .map((s) => [s, group.filter((c) => c.status === s).length] as const)
        .filter(([, n]) => n > 0)
        .map(([s, n]) => `${n} ${STATUS_LABEL[s].toLowerCase()}`)
        .join(' · ');
      return `<section class="category" data-category="${category}">
<h3>${category}<span class="tally">${tally}</span></h3>
<table class="checks">
<colgroup><col class="status"><col><col class="num"><col class="num"><col class="num"></colgroup>
<thead><tr><th>Status</th><th>Check</th><th class="num">Findings</th><th class="num">Attempts</th><th class="num">Time</th></tr></thead>
<tbody>
${group.map((c) => checkRows(c, indexOf.get(c) ?? 0)).join('\n')}
</tbody>
</table>
</section>`;
    })
    .join('\n');
};

const headerTable = (headers: Record<string, string>): string => {
  const entries = Object.entries(headers);
  if (entries.length === 0) return '<p class="muted">no headers</p>';
  return `<table class="headers"><tbody>${entries
    .map(([name, value]) => `<tr><th>${escapeHtml(name)}</th><td><code>${escapeHtml(value)}</code></td></tr>`)
    .join('')}</tbody></table>`;
};

const attemptItem = (attempt: Attempt, index: number): string =>
  `<li>#${index + 1} at ${escapeHtml(attempt.startedAt)}, ${humanDuration(attempt.durationMs)}` +
  (attempt.status !== undefined ? `, status ${attempt.status}` : '') +
  (attempt.error ? `, ${escapeHtml(attempt.error)}` : '') +
  (attempt.waitMs !== undefined ? `; waited ${humanDuration(attempt.waitMs)} before the next` : '') +
  '</li>';

const exchangeDetails = (exchange: Exchange): string => {
  const { request, response } = exchange;
  const outcome = response ? `${response.status}` : `no response: ${exchange.error ?? 'unknown error'}`;
  const summary =
    `<code>${escapeHtml(`${request.method} ${request.url}`)}</code> → ${escapeHtml(outcome)}` +
    ` <span class="muted">· ${plural(exchange.attempts.length, 'attempt')} · ${humanDuration(exchange.durationMs)}` +
    (exchange.check ? ` · ${escapeHtml(exchange.check)}` : '') +
    '</span>';
  const body = response
    ? `<h4>Response ${response.status}</h4>${headerTable(response.headers)}
<p class="muted">Body: ${response.bodyBytes} bytes${response.truncated ? ', cut off at the size cap' : ''}; the first bytes:</p>
<pre class="body">${escapeHtml(response.bodyExcerpt)}</pre>`
    : `<p class="reason">${escapeHtml(exchange.error ?? 'no response')}</p>`;
  return `<details class="exchange" data-exchange="${escapeHtml(exchange.id)}">
<summary>${summary}</summary>
<h4>Request</h4>
<p>${code(`${request.method} ${request.url}`)}</p>
${headerTable(request.headers)}
${body}
<h4>Attempts</h4>
<ol class="attempts">${exchange.attempts.map(attemptItem).join('')}</ol>
</details>`;
};

/** `report.html`: verdict banner, run facts, counts, checks by category with findings, exchanges. */
export const renderHtml = (given: ConformanceResult): string => {
  const result = redactResult(given);
  const { verdict, summary, target, spec, pacts } = result;
  const indexOf = new Map(result.checks.map((c, i) => [c, i]));
  const elapsed = elapsedMs(result.startedAt, result.finishedAt);
  const failing = result.checks.map((c, i) => [c, i] as const).filter(([c]) => c.status === 'fail');
  const title = `Conformance ${verdict.toUpperCase()}${result.complete ? '' : ' (incomplete)'}: ${target.baseUrl}`;
  const incomplete = result.complete
    ? ''
    : `<div class="incomplete">INCOMPLETE: ${escapeHtml(result.incompleteReason ?? 'no reason given')}</div>`;
  const attention =
    failing.length === 0
      ? ''
      : `<div class="attention"><strong>${plural(failing.length, 'check')} failed:</strong><ul>${failing
          .map(([c, i]) => `<li><a href="#check-${i}">${escapeHtml(`${c.category}: ${c.name}`)}</a></li>`)
          .join('')}</ul></div>`;
  const counts: [CheckStatus, number, string][] = [
    ['pass', summary.passed, 'passed'],
    ['fail', summary.failed, 'failed'],
    ['warn', summary.warnings, 'warnings'],
    ['skip', summary.skipped, 'skipped'],
  ];
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<header class="banner ${verdict}" data-verdict="${verdict}" data-complete="${result.complete}">
<div class="inner">
<div class="verdict">${verdict.toUpperCase()}</div>
<div class="caption">Conformance of ${code(target.baseUrl)}${target.reference ? ' (the reference provider)' : ''}</div>
${incomplete}
</div>
</header>
<main>
<dl class="meta">
<dt>Target</dt><dd>${code(target.baseUrl)}${target.reference ? ' reference provider' : ''}</dd>
<dt>Spec</dt><dd>${code(spec.path)} version ${escapeHtml(spec.version)}, sha256 <code title="${escapeHtml(spec.sha256)}">${escapeHtml(shortSha(spec.sha256))}</code></dd>
${pacts
  .map(
    (pact) =>
      `<dt>Pact${pacts.length > 1 ? ` ${escapeHtml(pact.id)}` : ''}</dt><dd>${code(pact.path)} (${escapeHtml(
        `${pact.consumer} → ${pact.provider}`,
      )}${pact.pending || pact.wip ? ', pending' : ''}), sha256 <code title="${escapeHtml(pact.sha256)}">${escapeHtml(shortSha(pact.sha256))}</code></dd>`,
  )
  .join('\n')}
<dt>Started</dt><dd>${escapeHtml(result.startedAt)}</dd>
<dt>Finished</dt><dd>${escapeHtml(result.finishedAt)}${elapsed === undefined ? '' : ` (${humanDuration(elapsed)})`}</dd>
</dl>
<div class="counts">
${counts.map(([status, n, label]) => `<div class="count ${status}" data-count="${label}"><span class="n">${n}</span>${label}</div>`).join('\n')}
</div>
${attention}
${
  result.checks.length === 0
    ? '<h2>Checks</h2>\n<p class="muted">No check ran.</p>'
    : byPact(result)
        .map(
          (group) =>
            `<h2>Checks${group.title ? ` of ${escapeHtml(group.title)}` : ''}</h2>\n${categorySections(group.checks, indexOf)}`,
        )
        .join('\n')
}
<h2>Exchanges</h2>
${
  result.exchanges.length === 0
    ? '<p class="muted">No exchange was recorded.</p>'
    : `<details class="exchanges">
<summary>${plural(result.exchanges.length, 'recorded exchange')} with the target (requests, statuses, headers, body excerpts)</summary>
${result.exchanges.map(exchangeDetails).join('\n')}
</details>`
}
<footer>Rendered from the run's result as given: the verdict is the run's, not this page's.</footer>
</main>
</body>
</html>
`;
};
