import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import type { Finding } from '../../src/core/finding.ts';
import { truncateText, truncationMark } from '../../src/core/truncate.ts';
import { findingCount, REPORT_LIMITS } from '../../src/report/bound.ts';
import type { ConformanceResult } from '../../src/report/conformance-result.ts';
import { renderConsoleSummary } from '../../src/report/console.ts';
import { REPORT_FILES } from '../../src/report/files.ts';
import { renderHtml } from '../../src/report/html.ts';
import { renderJson } from '../../src/report/json-report.ts';
import { renderJunit } from '../../src/report/junit.ts';
import {
  capMarkdown,
  MARKDOWN_LIMITS,
  MARKDOWN_MAX_BYTES,
  renderMarkdown,
  STEP_SUMMARY_MAX_BYTES,
} from '../../src/report/markdown.ts';
import { redactResult } from '../../src/report/redact-result.ts';
import { writeReports } from '../../src/report/write.ts';
import { check, failing, resultOf } from './fixtures.ts';

// What a hostile provider can make a run hold: a 5 MB id, echoed in a message, a pointer, an excerpt and
// a header, and a body with fifty thousand undeclared properties: shown whole, those findings alone would
// make every report several megabytes, over each bound below (more prove nothing more: past the cap of
// findings per check, only the count changes). Every report and the console stay small.

const MB5 = 5 * 1024 * 1024;
const MANY = 50_000;
const hugeId = `key_${'x'.repeat(MB5 - 4)}`;
const paths = { json: 'conformance.json', junit: 'junit.xml', html: 'report.html', markdown: 'summary.md' };

const hostile = (): ConformanceResult => {
  const base = failing();
  const manyFindings: Finding[] = Array.from({ length: MANY }, (_, i) => ({
    pointer: `/p${i}`,
    message: `property "p${i}" is not declared by the schema`,
    severity: 'error',
    keyword: 'additionalProperties',
  }));
  return resultOf(
    [
      ...base.checks,
      check('key owned by a user: owner and id agree with the request', 'semantic', [
        { pointer: '/id', keyword: 'identity', message: hugeId, severity: 'error' },
        { pointer: `/${hugeId}`, keyword: 'additionalProperties', message: 'undeclared', severity: 'error' },
      ]),
      check('key owned by a user: body is a ProjectApiKey', 'schema', manyFindings),
    ],
    {
      incompleteReason: hugeId,
      complete: false,
      exchanges: [
        ...base.exchanges,
        {
          id: 'ex-huge',
          request: { method: 'GET', url: `http://127.0.0.1:9/v1/${hugeId}`, headers: { 'x-id': hugeId } },
          response: {
            status: 200,
            headers: { 'x-echo': hugeId },
            bodyExcerpt: hugeId,
            bodyBytes: MB5,
            truncated: false,
          },
          attempts: [{ startedAt: base.startedAt, durationMs: 1, status: 200, error: hugeId }],
          durationMs: 1,
        },
      ],
    },
  );
};

describe('bounded reports', function () {
  this.timeout(60_000);
  const result = hostile();

  describe('truncateText', () => {
    it('keeps what fits and cuts what does not, saying how long the whole was', () => {
      expect(truncateText('short', 10)).to.equal('short');
      const cut = truncateText(hugeId, 100);
      expect(cut).to.have.length(100);
      expect(cut).to.match(/^key_x+… \(5242880 characters, truncated\)$/);
    });

    it('changes nothing when cut again, and never splits a surrogate pair', () => {
      const once = truncateText(hugeId, 200);
      expect(truncateText(once, 200)).to.equal(once);
      const emoji = '😀'.repeat(100);
      const mark = truncationMark({ count: 200, unit: 'characters' });
      const cut = truncateText(emoji, 10 + mark.length + 1);
      expect(cut).to.equal(`${'😀'.repeat(5)}${mark}`);
    });
  });

  describe('redactResult: what every report shows', () => {
    const bounded = redactResult(result);
    it(`cuts every string to ${REPORT_LIMITS.maxChars} characters, saying so`, () => {
      const strings: string[] = [];
      JSON.stringify(bounded, (key, value) => {
        strings.push(key);
        if (typeof value === 'string') strings.push(value);
        return value;
      });
      expect(Math.max(...strings.map((s) => s.length))).to.be.at.most(REPORT_LIMITS.maxChars);
      expect(bounded.incompleteReason).to.match(/… \(5242880 characters, truncated\)$/);
    });

    it(`keeps ${REPORT_LIMITS.maxFindingsPerCheck} findings per check, the last counting the rest`, () => {
      const many = bounded.checks.at(-1);
      expect(many?.findings).to.have.length(REPORT_LIMITS.maxFindingsPerCheck);
      expect(many?.findings.at(-1)).to.deep.equal({
        pointer: '',
        keyword: 'truncated',
        message: `${MANY - (REPORT_LIMITS.maxFindingsPerCheck - 1)} more findings not shown (${MANY} in all)`,
        severity: 'warning',
      });
      expect(findingCount(many as never)).to.equal(MANY);
    });

    it('bounds a bounded result to the same thing, and tighter limits keep the true count', () => {
      expect(redactResult(bounded)).to.deep.equal(bounded);
      const tighter = redactResult(bounded, [], MARKDOWN_LIMITS).checks.at(-1);
      expect(tighter?.findings).to.have.length(MARKDOWN_LIMITS.maxFindingsPerCheck);
      expect(tighter?.findings.at(-1)?.message).to.equal(
        `${MANY - (MARKDOWN_LIMITS.maxFindingsPerCheck - 1)} more findings not shown (${MANY} in all)`,
      );
      const looser = redactResult(redactResult(result, [], MARKDOWN_LIMITS)).checks.at(-1);
      expect(looser?.findings, 'a looser cap after a tighter one adds no second note').to.have.length(
        MARKDOWN_LIMITS.maxFindingsPerCheck,
      );
    });

    it('leaves the result it was given alone', () => {
      expect(result.checks.at(-1)?.findings).to.have.length(MANY);
      expect(result.incompleteReason).to.equal(hugeId);
    });
  });

  describe('every report of a hostile run', () => {
    const renderers: [string, (r: ConformanceResult) => string, number][] = [
      ['conformance.json', renderJson, 2_000_000],
      ['junit.xml', renderJunit, 2_000_000],
      ['report.html', renderHtml, 2_000_000],
      ['summary.md', renderMarkdown, 256 * 1024],
      ['the console summary', (r) => renderConsoleSummary(r, paths), 64 * 1024],
    ];
    for (const [name, render, most] of renderers) {
      it(`${name}: under ${most} bytes, saying what was cut`, () => {
        const text = render(result);
        expect(Buffer.byteLength(text)).to.be.below(most);
        expect(text).to.include('(5242880 characters, truncated)');
      });
    }

    it('redacts before it cuts: a secret across the cut leaves no part of itself', async () => {
      // A whole-looking key anyone would know, and an admin key only the environment names.
      const keyShaped = `sk-proj-${'K3yK3y'.repeat(8)}`;
      const adminKey = `admin-${'S3cr3t'.repeat(8)}`;
      // The secret starts twenty characters before where the head ends: a cut made first would keep them.
      const across = (secret: string, limit: number) => {
        const length = MB5;
        const headEnd = limit - truncationMark({ count: length, unit: 'characters' }).length;
        const before = `${'y'.repeat(headEnd - 21)} `;
        return `${before}${secret} ${'y'.repeat(length - before.length - secret.length - 1)}`;
      };
      const dir = mkdtempSync(join(tmpdir(), 'bounded-'));
      try {
        const leaky = resultOf([
          check('a', 'semantic', [
            { pointer: '', message: across(keyShaped, REPORT_LIMITS.maxChars), severity: 'error' },
            { pointer: '', message: across(adminKey, REPORT_LIMITS.maxChars), severity: 'error' },
            { pointer: '', message: across(keyShaped, MARKDOWN_LIMITS.maxChars), severity: 'error' },
            { pointer: '', message: across(adminKey, MARKDOWN_LIMITS.maxChars), severity: 'error' },
          ]),
        ]);
        await writeReports(leaky, dir, { env: { OPENAI_ADMIN_KEY: adminKey } });
        for (const name of Object.values(REPORT_FILES)) {
          const text = readFileSync(join(dir, name), 'utf8');
          expect(text, name).not.to.include('K3y');
          expect(text, name).not.to.include('S3cr3t');
          expect(text, name).to.include(`(${MB5} characters, truncated)`);
        }
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });

  describe('summary.md and $GITHUB_STEP_SUMMARY', () => {
    // Past what any one run could hold: 30 checks of 30 findings, every string a megabyte.
    const extreme = () => {
      const mb = 'z'.repeat(1024 * 1024);
      const findings: Finding[] = Array.from({ length: 30 }, () => ({
        pointer: `/${mb}`,
        message: mb,
        severity: 'error',
        keyword: mb,
      }));
      return resultOf(Array.from({ length: 30 }, (_, i) => check(`${i} ${mb}`, 'pact', findings)));
    };

    it('cuts summary.md at whole lines under the cap, saying where the rest is', () => {
      const text = renderMarkdown(extreme());
      expect(Buffer.byteLength(text)).to.be.at.most(MARKDOWN_MAX_BYTES);
      expect(text).to.match(
        /\n\n\*\*summary\.md was cut at \d+ of \d+ bytes to stay under GitHub's 1 MiB step-summary limit; report\.html and conformance\.json have the rest\.\*\*\n$/,
      );
    });

    it('capMarkdown keeps a summary under the cap as it is, and counts bytes, not characters', () => {
      expect(capMarkdown('# ok\n', 100)).to.equal('# ok\n');
      const wide = `${'€'.repeat(40)}\n`.repeat(100);
      const capped = capMarkdown(wide, 2000);
      expect(Buffer.byteLength(capped)).to.be.at.most(2000);
      expect(capped.startsWith(`${'€'.repeat(40)}\n`)).to.equal(true);
    });

    it(`appends under GitHub's ${STEP_SUMMARY_MAX_BYTES}-byte step-summary limit whatever the run holds`, async () => {
      const dir = mkdtempSync(join(tmpdir(), 'bounded-'));
      try {
        const summary = join(dir, 'step-summary.md');
        writeFileSync(summary, '');
        await writeReports(extreme(), join(dir, 'reports'), { env: { GITHUB_STEP_SUMMARY: summary } });
        expect(statSync(summary).size).to.be.at.most(STEP_SUMMARY_MAX_BYTES);
        expect(readFileSync(join(dir, 'reports', REPORT_FILES.markdown), 'utf8')).to.include('was cut at');
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });
});
