import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { expect } from 'chai';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../../scripts/chromium.ts';
import { displayPointer, visibleText } from '../../src/core/text.ts';
import type { ConformanceResult } from '../../src/report/conformance-result.ts';
import { renderHtml } from '../../src/report/html.ts';
import { FIXTURES, failing, HOSTILE, incomplete, passing, severalPacts } from './fixtures.ts';

// The page as a person's browser shows it: Chromium (from npm unless CHROMIUM_PATH or a system one is
// there), headless, one launch for the file.
const dir = mkdtempSync(join(tmpdir(), 'html-report-'));

interface Opened {
  page: Page;
  url: string;
  /** Every request the page made, the document's own included. */
  requests: string[];
  /** Console errors (a CSP refusal is one) and uncaught page errors. */
  problems: string[];
}

describe('renderHtml in headless Chromium', function () {
  this.timeout(20_000);
  let browser: Browser;
  /** One page for the file: a new one per test costs more than the test. */
  let page: Page;
  const seen = { allowed: '', requests: [] as string[], problems: [] as string[] };

  before(async () => {
    browser = await launchChromium();
    page = await browser.newPage();
    page.on('request', (r) => seen.requests.push(r.url()));
    page.on('console', (m) => m.type() === 'error' && seen.problems.push(m.text()));
    page.on('pageerror', (e) => seen.problems.push(e.message));
    // Nothing but the report itself may load; anything else is aborted before it leaves.
    await page.route('**/*', (route) =>
      route.request().url() === seen.allowed ? route.continue() : route.abort(),
    );
  });
  after(async () => {
    await browser?.close();
  });

  const watching = (allowed: string): Omit<Opened, 'url'> => {
    seen.allowed = allowed;
    seen.requests = [];
    seen.problems = [];
    return { page, requests: seen.requests, problems: seen.problems };
  };

  const open = async (name: string, result: ConformanceResult): Promise<Opened> => {
    const path = join(dir, `${name}.html`);
    writeFileSync(path, renderHtml(result));
    const url = pathToFileURL(path).href;
    const opened = watching(url);
    await page.goto(url);
    return { ...opened, url };
  };

  it('the checks below can fail: they see a script run and a request made', async () => {
    const { requests } = watching('about:blank');
    await page.setContent(`${HOSTILE.script}<img src="http://127.0.0.1:9/pixel.png">`);
    expect(await page.evaluate('window.__pwned')).to.equal(true);
    expect(requests).to.include('http://127.0.0.1:9/pixel.png');
  });

  for (const [name, build] of FIXTURES) {
    it(`${name}: shows the verdict as given, runs no script and makes no request`, async () => {
      const result = build();
      const { page, url, requests, problems } = await open(name, result);
      const banner = page.locator('header.banner');
      expect(await banner.getAttribute('data-verdict')).to.equal(result.verdict);
      expect(await banner.locator('.verdict').textContent()).to.equal(result.verdict.toUpperCase());
      expect(await banner.isVisible()).to.equal(true);
      expect(await page.title()).to.include(result.verdict.toUpperCase());
      const counts = await page.locator('.count').allInnerTexts();
      expect(counts.map((c) => c.replace(/\s+/g, ' '))).to.deep.equal([
        `${result.summary.passed} passed`,
        `${result.summary.failed} failed`,
        `${result.summary.warnings} warnings`,
        `${result.summary.skipped} skipped`,
        // Apart from the target's counts, and only when there are some.
        ...(result.summary.notes > 0
          ? [`${result.summary.notes} notes about the document and the pact`]
          : []),
      ]);
      expect(requests).to.deep.equal([url]);
      expect(problems).to.deep.equal([]);
      expect(await page.locator('script').count()).to.equal(0);
      expect(await page.evaluate('typeof window.__pwned')).to.equal('undefined');
    });
  }

  it('several pacts: the checks under a heading per pact, then the document’s own', async () => {
    const { page } = await open('several-pacts', severalPacts());
    expect(await page.locator('h2').allInnerTexts()).to.deep.equal([
      'Checks of pact web: web → provider',
      'Checks of pact cli: cli → provider 1.4.0 (pending)',
      'Checks of the OpenAPI document',
      'Exchanges',
    ]);
    const meta = page.locator('dl.meta').first();
    expect(await meta.textContent())
      .to.include('pacts/web.json')
      .and.include('https://broker.example.test/pacts/provider/provider/consumer/cli/version/1.4.0')
      .and.include('pending');
    // Under the broker pact's heading: a link to it, why it was chosen, why it only warns, what was published.
    const facts = page.locator('dl.meta.pact[data-pact="cli"]');
    expect(await facts.locator('a').getAttribute('href')).to.equal(
      'https://broker.example.test/pacts/provider/provider/consumer/cli/version/1.4.0',
    );
    expect(await facts.locator('dt').allInnerTexts()).to.deep.equal([
      'Pact',
      'Selected',
      'Status',
      'Broker notice',
      'Verification result',
    ]);
    expect(await facts.textContent()).to.match(
      /a failure of its interactions is a warning and does not fail the verification/,
    );
    expect(await page.locator('dl.meta.pact').count(), 'a pact file has no broker facts').to.equal(1);
  });

  it('shows every failing check by name, with its findings and their pointers, without a click', async () => {
    const result = failing();
    await open('failing-checks', result);
    // One trip into the page: each check row as shown, with the findings listed under it.
    const rows = (await page.evaluate(`[...document.querySelectorAll('tr.check')].map((row) => {
      const next = row.nextElementSibling;
      const items = next && next.matches('tr.detail') ? [...next.querySelectorAll('ul.findings li')] : [];
      return {
        name: row.querySelector('td.name').firstChild.textContent,
        status: row.querySelector('.badge').innerText,
        visible: row.checkVisibility(),
        findings: items.map((li) => ({
          pointer: li.querySelector('code.pointer').innerText,
          message: li.querySelector('.message').innerText,
          visible: li.checkVisibility(),
        })),
      };
    })`)) as { name: string; status: string; visible: boolean; findings: Record<string, unknown>[] }[];
    expect(rows.map((r) => r.name).sort()).to.deep.equal(result.checks.map((c) => c.name).sort());
    for (const check of result.checks) {
      const row = rows.find((r) => r.name === check.name);
      expect(row, check.name).to.include({ status: check.status.toUpperCase(), visible: true });
      const shown = ['fail', 'warn', 'note'].includes(check.status) ? check.findings : [];
      expect(row?.findings, check.name).to.deep.equal(
        shown.map((f) => ({
          pointer: displayPointer(f.pointer),
          message: visibleText(f.message),
          visible: true,
        })),
      );
    }
  });

  it('shows hostile text as text: a <script> in a finding or a body is only words', async () => {
    const { page } = await open('hostile', failing());
    const messages = await page.locator('.message').allInnerTexts();
    expect(messages).to.include(HOSTILE.script);
    expect(await page.locator('ul.findings b').count()).to.equal(0);
    await page.locator('details.exchanges > summary').click();
    await page.locator('details.exchange > summary').first().click();
    const body = page.locator('details.exchange pre.body').first();
    expect(await body.isVisible()).to.equal(true);
    expect(await body.textContent()).to.equal(HOSTILE.body);
    expect(await page.evaluate('typeof window.__pwned')).to.equal('undefined');
  });

  it('keeps the exchanges folded until asked, then shows request, status and headers', async () => {
    const result = passing();
    const { page } = await open('exchanges', result);
    const first = page.locator('details.exchange').first();
    expect(await first.isVisible()).to.equal(false);
    await page.locator('details.exchanges > summary').click();
    expect(await page.locator('details.exchange').count()).to.equal(result.exchanges.length);
    const summary = await first.locator('summary').textContent();
    expect(summary).to.include(`GET ${result.exchanges[0]?.request.url}`).and.to.include('→ 200');
    await first.locator('summary').click();
    expect(await first.locator('table.headers th').allInnerTexts()).to.include.members([
      'accept',
      'x-request-id',
    ]);
    const retried = page.locator('details.exchange').nth(1);
    await retried.locator('summary').click();
    expect(await retried.locator('ol.attempts li').count()).to.equal(3);
  });

  it('marks an incomplete run in the banner, with its reason', async () => {
    const result = incomplete();
    const { page } = await open('incomplete', result);
    const note = page.locator('header.banner .incomplete');
    expect(await note.isVisible()).to.equal(true);
    expect(await note.textContent()).to.equal(`INCOMPLETE: ${result.incompleteReason}`);
    const { page: complete } = await open('complete', passing());
    expect(await complete.locator('header.banner .incomplete').count()).to.equal(0);
  });

  it('gives skip reasons and marks a check that passed only after retries', async () => {
    const { page } = await open('skips', failing());
    expect(await page.locator('td.reason').allInnerTexts()).to.include(
      'Skipped: the target never answered 429',
    );
    const retried = page.locator('tr.check', { hasText: 'retries a reset connection' }).locator('.retried');
    expect(await retried.textContent()).to.equal('passed after 3 attempts');
    expect(await page.locator('.retried').count()).to.equal(1);
  });

  it('shows target, spec and pact with short shas', async () => {
    const result = passing();
    const { page } = await open('meta', result);
    const meta = (await page.locator('dl.meta').textContent()) ?? '';
    expect(meta)
      .to.include(result.target.baseUrl)
      .and.to.include(result.spec.path)
      .and.to.include(result.pacts[0]?.path);
    expect(meta).to.include(result.spec.sha256.slice(0, 12)).and.not.to.include(result.spec.sha256);
  });
});
