import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import type { ConformanceResult } from '../../src/report/conformance-result.ts';
import { consoleWriter } from '../../src/report/console-writer.ts';
import { renderHtml } from '../../src/report/html.ts';
import { renderJson } from '../../src/report/json-report.ts';
import { renderJunit } from '../../src/report/junit.ts';
import { renderMarkdown } from '../../src/report/markdown.ts';
import { writeReports } from '../../src/report/write.ts';
import { containsSecret } from '../../src/secrets/forms.ts';
import { failing } from './fixtures.ts';

// Secrets leave the process two ways, each through one choke point: exchanges through the transport's
// recorder (test/transport), files and console through the writers here. Nothing else redacts, so these
// tests are what stands between a secret and a report: remove either writer's redaction and they fail.

// Built at run time: no committed file holds anything key-shaped.
const secret = ['sk', 'admin', `Ch0ke${'p'.repeat(30)}`].join('-');
const forms = {
  raw: secret,
  'JSON-escaped': JSON.stringify(secret).slice(1, -1).replace('s', '\\u0073'),
  'percent-encoded': [...secret].map((c) => `%${c.charCodeAt(0).toString(16)}`).join(''),
  base64: Buffer.from(secret).toString('base64'),
};
const ENUMS = new Set(['verdict', 'status', 'category', 'severity', 'keyword', 'startedAt', 'finishedAt']);

/** `result` with the secret, in one of its forms by turn, appended to every free-text string. */
const leaky = (result: ConformanceResult): ConformanceResult => {
  let turn = 0;
  const visit = (node: unknown, key?: string): unknown => {
    if (typeof node === 'string') {
      if (key && ENUMS.has(key)) return node;
      const form = Object.values(forms)[turn++ % 4];
      return `${node} ${form}`;
    }
    if (Array.isArray(node)) return node.map((child) => visit(child));
    if (node !== null && typeof node === 'object') {
      return Object.fromEntries(Object.entries(node).map(([k, child]) => [k, visit(child, k)]));
    }
    return node;
  };
  return visit(result) as ConformanceResult;
};

describe('the ways out: one choke point each', () => {
  const result = leaky(failing());

  it('the renderers do not redact: the writer is the one that does', () => {
    for (const render of [renderJson, renderJunit, renderHtml, renderMarkdown]) {
      expect(containsSecret(render(result), secret), render.name).to.equal(true);
    }
  });

  it('writeReports: no report and no step summary holds the secret, in any form, wherever it was', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'choke-'));
    try {
      const summary = join(dir, 'step-summary.md');
      const { paths } = await writeReports(result, join(dir, 'reports'), {
        env: { GITHUB_STEP_SUMMARY: summary },
        secrets: [secret],
      });
      for (const path of [...Object.values(paths), summary]) {
        const text = readFileSync(path, 'utf8');
        expect(containsSecret(text, secret), path).to.equal(false);
        expect(text, path).to.include('[REDACTED]');
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('writeReports takes the admin key from the environment too', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'choke-'));
    try {
      const { paths } = await writeReports(result, dir, { env: { OPENAI_ADMIN_KEY: secret } });
      for (const path of Object.values(paths)) {
        expect(containsSecret(readFileSync(path, 'utf8'), secret), path).to.equal(false);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  for (const [name, form] of Object.entries(forms)) {
    it(`consoleWriter: a line holding the secret ${name} goes out redacted`, () => {
      const out: string[] = [];
      const io = consoleWriter({ stdout: (t) => out.push(t), stderr: (t) => out.push(t) }, () => [secret]);
      io.stdout(`answered with ${form}\n`);
      io.stderr(`failed: ${form}\n`);
      expect(out).to.have.length(2);
      for (const line of out) expect(containsSecret(line, secret), line).to.equal(false);
    });
  }

  it('consoleWriter: a secret learned after it was made is redacted from then on', () => {
    // Not key-shaped, so only its being known redacts it (a broker token, say).
    const token = 'broker-token-learned-0x5eed';
    const out: string[] = [];
    const known: string[] = [];
    const io = consoleWriter({ stdout: (t) => out.push(t), stderr: () => {} }, () => known);
    io.stdout(`${token}\n`);
    known.push(token);
    io.stdout(`${token}\n`);
    expect(out).to.deep.equal([`${token}\n`, '[REDACTED]\n']);
  });

  it('consoleWriter: a line is cut to what a terminal shows, after redaction', () => {
    const out: string[] = [];
    const io = consoleWriter({ stdout: (t) => out.push(t), stderr: () => {} }, () => [secret]);
    io.stdout(`${'x'.repeat(20_000)}${secret}\n`);
    expect(out[0]?.length).to.be.below(9000);
    expect(out[0]).to.match(/characters, truncated\)/);
  });
});
