import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import type { ConformanceResult } from '../../src/report/conformance-result.ts';
import { renderConsoleSummary } from '../../src/report/console.ts';
import { REPORT_FILES } from '../../src/report/files.ts';
import { renderHtml } from '../../src/report/html.ts';
import { renderJson } from '../../src/report/json-report.ts';
import { renderJunit } from '../../src/report/junit.ts';
import { renderMarkdown } from '../../src/report/markdown.ts';
import { ReportWriteError, writeFileAtomic, writeReports } from '../../src/report/write.ts';
import { check, failing, HOSTILE, incomplete, passing, resultOf } from './fixtures.ts';

const root = mkdtempSync(join(tmpdir(), 'reports-'));
let dirs = 0;
const freshDir = () => join(root, `run-${++dirs}`);
const NO_ENV = {};
const REPORT_NAMES = Object.values(REPORT_FILES).sort();

describe('writeReports', () => {
  it('writes the four reports, each what its renderer gives, and nothing else', async () => {
    const dir = freshDir();
    const result = failing();
    const { paths } = await writeReports(result, dir, { env: NO_ENV });
    expect(paths).to.deep.equal({
      json: join(dir, 'conformance.json'),
      junit: join(dir, 'junit.xml'),
      html: join(dir, 'report.html'),
      markdown: join(dir, 'summary.md'),
    });
    expect(readFileSync(paths.json, 'utf8')).to.equal(renderJson(result));
    expect(readFileSync(paths.junit, 'utf8')).to.equal(renderJunit(result));
    expect(readFileSync(paths.html, 'utf8')).to.equal(renderHtml(result));
    expect(readFileSync(paths.markdown, 'utf8')).to.equal(renderMarkdown(result));
    expect(readdirSync(dir).sort()).to.deep.equal(REPORT_NAMES);
  });

  it('replaces the reports of an earlier run in the same dir, leaving no temp file', async () => {
    const dir = freshDir();
    await writeReports(failing(), dir, { env: NO_ENV });
    await writeReports(passing(), dir, { env: NO_ENV });
    expect(readFileSync(join(dir, 'conformance.json'), 'utf8')).to.equal(renderJson(passing()));
    expect(readdirSync(dir).sort()).to.deep.equal(REPORT_NAMES);
  });

  it('keeps concurrent runs with different dirs apart', async () => {
    const results = [passing(), failing(), incomplete()];
    const dirsUsed = results.map(() => freshDir());
    await Promise.all(results.map((r, i) => writeReports(r, dirsUsed[i] as string, { env: NO_ENV })));
    results.forEach((r, i) => {
      expect(readFileSync(join(dirsUsed[i] as string, 'conformance.json'), 'utf8')).to.equal(renderJson(r));
    });
  });

  it('a reader polling during repeated writes only ever sees a whole report', async () => {
    const dir = freshDir();
    // Large enough that a plain truncate-and-write is caught half done (measured: most reads torn).
    const big = (fill: string): ConformanceResult => {
      const result = failing();
      const [first] = result.exchanges;
      if (first?.response) first.response.bodyExcerpt = fill.repeat(256 * 1024);
      return result;
    };
    const versions = [big('a'), big('b')];
    const whole = new Set(versions.map(renderJson));
    await writeReports(versions[0] as ConformanceResult, dir, { env: NO_ENV });
    let writing = true;
    const writer = (async () => {
      for (let i = 1; i <= 20; i++)
        await writeReports(versions[i % 2] as ConformanceResult, dir, { env: NO_ENV });
      writing = false;
    })();
    const seen: string[] = [];
    const reader = (async () => {
      while (writing) seen.push(await readFile(join(dir, 'conformance.json'), 'utf8'));
    })();
    await Promise.all([writer, reader]);
    expect(seen.length).to.be.greaterThan(0);
    expect(seen.filter((text) => !whole.has(text))).to.have.length(0);
    expect(readdirSync(dir).sort()).to.deep.equal(REPORT_NAMES);
  });

  it('appends summary.md to $GITHUB_STEP_SUMMARY, keeping what earlier steps wrote', async () => {
    const summaryFile = join(root, 'step-summary.md');
    writeFileSync(summaryFile, '## Earlier step\n\nbuilt\n');
    const env = { GITHUB_STEP_SUMMARY: summaryFile };
    await writeReports(failing(), freshDir(), { env });
    await writeReports(passing(), freshDir(), { env });
    expect(readFileSync(summaryFile, 'utf8')).to.equal(
      `## Earlier step\n\nbuilt\n${renderMarkdown(failing())}\n${renderMarkdown(passing())}\n`,
    );
  });

  it('leaves $GITHUB_STEP_SUMMARY alone when it is not set', async () => {
    const { paths } = await writeReports(passing(), freshDir(), { env: { GITHUB_STEP_SUMMARY: '' } });
    expect(readFileSync(paths.markdown, 'utf8')).to.equal(renderMarkdown(passing()));
  });

  it('redacts the admin key from the environment in every report', async () => {
    // Built at run time: no committed file holds anything key-shaped.
    const adminKey = ['sk', 'admin', 'x'.repeat(12)].join('-');
    const result = resultOf([
      check('auth header not echoed', 'security', [
        { pointer: '', message: `response echoed ${adminKey}`, severity: 'error' },
      ]),
    ]);
    const summaryFile = join(root, 'step-summary-redacted.md');
    const { paths } = await writeReports(result, freshDir(), {
      env: { OPENAI_ADMIN_KEY: adminKey, GITHUB_STEP_SUMMARY: summaryFile },
    });
    for (const path of [...Object.values(paths), summaryFile]) {
      const text = readFileSync(path, 'utf8');
      expect(text, path).not.to.include(adminKey);
      expect(text, path).to.include('REDACTED');
    }
  });

  const unwritable: [string, () => string, RegExp][] = [
    [
      'a dir under a regular file',
      () => {
        const file = join(root, `plain-file-${++dirs}`);
        writeFileSync(file, 'not a directory');
        return join(file, 'reports');
      },
      /^cannot write reports to .*reports: a part of the path is a file, not a directory$/,
    ],
    [
      'a dir where a report name is taken by a directory',
      () => {
        const dir = freshDir();
        mkdirSync(join(dir, 'conformance.json'), { recursive: true });
        return dir;
      },
      /^cannot write report .*conformance\.json: (EISDIR|ENOTEMPTY|EEXIST)/,
    ],
  ];
  for (const [label, makeDir, message] of unwritable) {
    it(`rejects ${label} with one clear line, and leaves no temp file`, async () => {
      const dir = makeDir();
      const error = await writeReports(passing(), dir, { env: NO_ENV }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).to.be.instanceOf(ReportWriteError);
      expect((error as Error).message)
        .to.match(message)
        .and.not.to.include('\n');
      const left = (() => {
        try {
          return readdirSync(dir);
        } catch {
          return [];
        }
      })();
      expect(left.filter((name) => name.endsWith('.tmp'))).to.deep.equal([]);
    });
  }

  it('reports a step summary it cannot append to', async () => {
    const env = { GITHUB_STEP_SUMMARY: join(root, 'no-such-dir', 'summary.md') };
    const error = await writeReports(passing(), freshDir(), { env }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect((error as Error).message).to.match(/^cannot write the step summary .*summary\.md: ENOENT/);
  });
});

describe('writeFileAtomic', () => {
  it('gives two writers to one path unique temp names: the file ends whole, as one of them', async () => {
    const path = join(freshDir(), 'x.json');
    mkdirSync(join(path, '..'), { recursive: true });
    const a = JSON.stringify({ a: 'a'.repeat(100_000) });
    const b = JSON.stringify({ b: 'b'.repeat(100_000) });
    await Promise.all([writeFileAtomic(path, a), writeFileAtomic(path, b), writeFileAtomic(path, a)]);
    expect([a, b]).to.include(readFileSync(path, 'utf8'));
    expect(readdirSync(join(path, '..'))).to.deep.equal(['x.json']);
  });
});

describe('renderConsoleSummary', () => {
  const paths = {
    json: 'reports/conformance.json',
    junit: 'reports/junit.xml',
    html: 'reports/report.html',
    markdown: 'reports/summary.md',
  };
  const cases: [string, ConformanceResult, string[]][] = [
    [
      'passing',
      passing(),
      [
        'Conformance PASS: http://127.0.0.1:8080/v1',
        '5 passed, 0 failed, 0 warnings, 0 skipped; 1 note about the document and the pact',
        '  NOTE contract: the spec\'s own examples validate against their schemas — note /components/schemas/ProjectApiKey/x-oaiMeta/example/owner/user/added_at example ProjectApiKey: required property "added_at" is missing (required)',
        '  1 check passed only after retries (see the exchanges in the reports)',
        'Reports: reports/report.html reports/summary.md reports/junit.xml reports/conformance.json',
      ],
    ],
    [
      'incomplete',
      incomplete(),
      [
        'Conformance FAIL (incomplete: interrupted by SIGINT after 1 of 2 checks): http://127.0.0.1:8080/v1',
        '1 passed, 0 failed, 0 warnings, 1 skipped',
        'Reports: reports/report.html reports/summary.md reports/junit.xml reports/conformance.json',
      ],
    ],
  ];
  for (const [name, result, want] of cases) {
    it(`${name}: verdict, counts and where the reports are`, () => {
      expect(renderConsoleSummary(result, paths)).to.equal(`${want.join('\n')}\n`);
    });
  }

  it('names each failing check with its first finding', () => {
    const lines = renderConsoleSummary(failing(), paths).split('\n');
    expect(lines[0]).to.equal('Conformance FAIL: http://127.0.0.1:8080/v1');
    expect(lines[1]).to.equal(
      '2 passed, 5 failed, 1 warning, 1 skipped; 1 note about the document and the pact',
    );
    expect(lines).to.include(
      '  FAIL schema: ProjectApiKey body matches the schema — error /owner/user/added_at required property "added_at" is missing (required) (+1 more)',
    );
    expect(lines.filter((l) => l.startsWith('  FAIL '))).to.have.length(failing().summary.failed);
  });

  it('says how many checks passed only after retries, and says nothing when none did', () => {
    const retried = (result: ReturnType<typeof failing>) =>
      renderConsoleSummary(result, paths)
        .split('\n')
        .filter((l) => l.includes('passed only after retries'));
    const result = failing();
    const expected = result.checks.filter((c) => c.status !== 'fail' && (c.attempts ?? 1) > 1).length;
    expect(expected, 'the fixture has a retried check').to.be.greaterThan(0);
    expect(retried(result)).to.deep.equal([
      `  ${expected} check${expected === 1 ? '' : 's'} passed only after retries (see the exchanges in the reports)`,
    ]);
    for (const check of result.checks) check.attempts = 1;
    expect(retried(result)).to.deep.equal([]);
  });

  it('never counts a skipped check as passed after retries, whatever its exchanges took', () => {
    const result = resultOf([
      check('key owned by a user: body is a ProjectApiKey', 'schema', [], {
        status: 'skip',
        skipReason: 'status 503: no key to check',
        attempts: 3,
      }),
      check('key owned by a user: status and content-type', 'transport', [], { attempts: 3 }),
    ]);
    const lines = renderConsoleSummary(result, paths).split('\n');
    expect(lines.filter((l) => l.includes('passed only after retries'))).to.deep.equal([
      '  1 check passed only after retries (see the exchanges in the reports)',
    ]);
  });

  it('never passes a terminal escape sequence from a body through', () => {
    const text = renderConsoleSummary(failing(), paths);
    expect(HOSTILE.message).to.include('\u001b');
    expect(text).not.to.include('\u001b');
    expect(text).to.include('\\u001b[31mred');
  });
});
