import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { visibleText } from '../../src/core/text.ts';
import type { ConformanceResult } from '../../src/report/conformance-result.ts';
import { renderConsoleSummary } from '../../src/report/console.ts';
import { consoleWriter } from '../../src/report/console-writer.ts';
import { REPORT_FILES } from '../../src/report/files.ts';
import { renderHtml } from '../../src/report/html.ts';
import { renderJson } from '../../src/report/json-report.ts';
import { renderJunit } from '../../src/report/junit.ts';
import { renderMarkdown } from '../../src/report/markdown.ts';
import { writeReports } from '../../src/report/write.ts';
import { expectInert, expectJunitXml, HOSTILE_NAME } from '../inert-text.ts';
import { failing, severalPacts, withMatrix } from './fixtures.ts';

// Every string of a result comes from outside: a broker's consumer names, versions, notices and reasons, a
// pact's descriptions and states, a provider's bodies and headers, a document's paths. Each is made visible
// text once, in the pass every renderer and the writer make over the result (report/redact.ts), and each
// way out relies on it: remove that pass and these fail.

/** Fields whose values the run chooses from a fixed set: left as they are, so the reports still render. */
const OURS = new Set(['verdict', 'status', 'category', 'severity', 'startedAt', 'finishedAt', 'method']);

/** `result` with the hostile name around every free-text string and header name: first on it, and after it. */
const hostile = (result: ConformanceResult): ConformanceResult => {
  const visit = (node: unknown, key?: string): unknown => {
    if (typeof node === 'string')
      return key && OURS.has(key) ? node : `${HOSTILE_NAME}${node}${HOSTILE_NAME}`;
    if (Array.isArray(node)) return node.map((child) => visit(child));
    if (node === null || typeof node !== 'object') return node;
    return Object.fromEntries(
      Object.entries(node).map(([k, child]) => [
        key === 'headers' ? `${HOSTILE_NAME}${k}` : k,
        visit(child, k),
      ]),
    );
  };
  return visit(result) as ConformanceResult;
};

/** Pacts from a broker (notices, reasons, a publication), failing checks, exchanges, a spec matrix. */
const everything = (): ConformanceResult => {
  const pacts = severalPacts();
  const { checks, exchanges } = failing();
  return hostile({
    ...pacts,
    checks: [...pacts.checks, ...checks],
    exchanges,
    ...(withMatrix().specMatrix && { specMatrix: withMatrix().specMatrix }),
  });
};

const paths = { json: 'conformance.json', junit: 'junit.xml', html: 'report.html', markdown: 'summary.md' };

describe('outside text on every way out: shown as text, never acted on', () => {
  const result = everything();

  it('the hostile result really holds what acts: ESC, BEL, CR, workflow commands, C1, an override', () => {
    const json = JSON.stringify(result);
    for (const raw of ['\u001b[2J', '\u0007', '\r::error', '\n::add-mask', '##[error]', '\u009b', '\u202E'])
      expect(json).to.include(JSON.stringify(raw).slice(1, -1));
  });

  it('writeReports: each report and the step summary act on nothing and still say what was there', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'outside-text-'));
    try {
      const summary = join(dir, 'step-summary.md');
      const { paths: written } = await writeReports(result, join(dir, 'reports'), {
        env: { GITHUB_STEP_SUMMARY: summary },
      });
      for (const path of [...Object.values(written), summary]) expectInert(readFileSync(path, 'utf8'), path);
      await expectJunitXml(readFileSync(written.junit, 'utf8'), REPORT_FILES.junit);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('conformance.json holds each name as the same visible text, not as escapes a JSON reader undoes', () => {
    const json = JSON.parse(renderJson(result)) as ConformanceResult;
    const broker = json.pacts.find((p) => p.url !== undefined);
    const given = result.pacts.find((p) => p.url !== undefined);
    expect(broker?.consumer).to.equal(visibleText(given?.consumer ?? ''));
    expect(broker?.consumerVersion).to.equal(visibleText(given?.consumerVersion ?? ''));
    expect(broker?.notices).to.deep.equal(given?.notices?.map(visibleText));
    expect(broker?.selectedBecause).to.equal(visibleText(given?.selectedBecause ?? ''));
    // The CR shown, the command after it is no longer at a line's start; the ones after line feeds are broken.
    expect(broker?.notices?.[0]).to.equal(
      'evil\\u001b[2J\\u0007\\u000d::error title=owned::x\n\\u003a:add-mask::y\n  \\u003a:warning::z #\\u0023[error]w \\u009b31m \\u202egnp.exe' +
        'This pact is in pending state for this version of provider.' +
        'evil\\u001b[2J\\u0007\\u000d::error title=owned::x\n\\u003a:add-mask::y\n  \\u003a:warning::z #\\u0023[error]w \\u009b31m \\u202egnp.exe',
    );
  });

  for (const [name, render] of [
    ['renderJson', renderJson],
    ['renderJunit', renderJunit],
    ['renderHtml', renderHtml],
    ['renderMarkdown', renderMarkdown],
  ] as const) {
    it(`${name}, given the result as it is, acts on nothing either`, () => {
      expectInert(render(result), name);
    });
  }

  it('the console summary, through the console writer, acts on nothing', () => {
    const out: string[] = [];
    const io = consoleWriter({ stdout: (t) => out.push(t), stderr: (t) => out.push(t) });
    io.stdout(renderConsoleSummary(result, paths));
    expectInert(out.join(''), 'console summary', ['evil', 'u001b', 'title=owned']);
  });

  it('the console writer shows any line as text: a broker notice, a pact name, an error', () => {
    const out: string[] = [];
    const io = consoleWriter({ stdout: (t) => out.push(t), stderr: (t) => out.push(t) });
    io.stdout(`pact ${HOSTILE_NAME} from the Pact Broker\n  ${HOSTILE_NAME}\n`);
    io.stderr(`conformance: Pact Broker http://127.0.0.1:1: answered 500: ${HOSTILE_NAME}\n`);
    expectInert(out.join(''), 'console');
    expect(out[1]).to.equal(
      `conformance: Pact Broker http://127.0.0.1:1: answered 500: ${visibleText(HOSTILE_NAME)}\n`,
    );
  });
});
