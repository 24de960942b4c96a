import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import type { RequestListener } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { expect } from 'chai';
import { type ConformanceCliOptions, runConformanceCli } from '../../src/cli/conformance.ts';
import { createReferenceProvider, type ReferenceProviderOptions } from '../../src/provider/index.ts';
import { listen } from '../../src/provider/listen.ts';
import type { ConformanceResult } from '../../src/report/conformance-result.ts';
import { REPORT_FILES } from '../../src/report/files.ts';
import { containsSecret } from '../../src/secrets/forms.ts';
import { repoPath } from '../helpers.ts';

const addFormats = addFormatsModule as unknown as typeof addFormatsModule.default;

// Whole runs with discovery (--project-id alone) and --sweep against the reference provider: what is
// discovered and said, the list checked, every key retrieved and compared, one check per rule, bounded
// exchanges, retries honoured, --max-time and interrupts leaving reports marked incomplete.

const canary = `sk-admin-canary${randomBytes(18).toString('hex')}`;
const FAST = { baseDelayMs: 5, maxDelayMs: 20, maxRetryAfterMs: 2000 };
const ajv = new Ajv2020({ strict: true, allErrors: true });
addFormats(ajv);
const validateReport = ajv.compile(
  JSON.parse(readFileSync(repoPath('schemas/conformance-report.schema.json'), 'utf8')),
);

interface Served {
  url: string;
  seed: { projectId: string; userKeyId: string; serviceAccountKeyId: string };
  close(): Promise<void>;
}

/** The reference provider on loopback; `wrap` may answer some requests itself first. */
const serve = async (
  options: Omit<ReferenceProviderOptions, 'adminKey'> = {},
  wrap?: (handler: RequestListener) => RequestListener,
  prepare?: (provider: ReturnType<typeof createReferenceProvider>) => void,
): Promise<Served> => {
  const provider = createReferenceProvider({ adminKey: canary, ...options });
  prepare?.(provider);
  const server = await listen(wrap ? wrap(provider.handler) : provider.handler, 0, '127.0.0.1');
  return { url: server.origin, seed: provider.seed, close: () => server.close() };
};

interface Run {
  code: number;
  result: ConformanceResult;
  output: string;
  files: Record<string, string>;
}

const conformance = async (
  argv: string[],
  options: Pick<ConformanceCliOptions, 'signals'> & {
    environment?: ConformanceCliOptions['environment'];
  } = {},
  onOutput?: (text: string) => void,
): Promise<Run> => {
  const dir = mkdtempSync(join(tmpdir(), 'sweep-'));
  const output: string[] = [];
  const write = (text: string) => {
    output.push(text);
    onOutput?.(text);
  };
  try {
    // No probes: these runs are about the list and the sweep, and stay quick.
    const flags = [...argv, '--report-dir', dir, '--timeout', '5000', '--probes', '0'];
    const code = await runConformanceCli(flags, {
      env: { OPENAI_ADMIN_KEY: canary },
      io: { stdout: write, stderr: write },
      signals: options.signals ?? new EventEmitter(),
      environment: { policy: FAST, ...options.environment },
    });
    const files = Object.fromEntries(
      readdirSync(dir).map((name) => [name, readFileSync(join(dir, name), 'utf8')]),
    );
    return { code, result: JSON.parse(files[REPORT_FILES.json] ?? 'null'), output: output.join(''), files };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
};

const live = (served: Served, ...more: string[]) => [
  '--base-url',
  served.url,
  '--project-id',
  served.seed.projectId,
  ...more,
];
const sweepChecks = (result: ConformanceResult) => result.checks.filter((c) => c.name.startsWith('sweep: '));
const expectSound = (run: Run) => {
  expect(validateReport(run.result), JSON.stringify(validateReport.errors)).to.equal(true);
  for (const [name, content] of Object.entries(run.files)) {
    expect(containsSecret(content, canary), name).to.equal(false);
    expect(Buffer.byteLength(content), name).to.be.below(10 * 1024 * 1024);
  }
  expect(containsSecret(run.output, canary)).to.equal(false);
  // Only GET reaches a target: the list and every retrieve (no probes here, whose HEADs are GETs too).
  expect(new Set(run.result.exchanges.map((e) => e.request.method))).to.deep.equal(new Set(['GET']));
};

describe('discovery: --project-id without key ids', function () {
  this.timeout(60_000);

  it('passes against the reference provider, saying which ids it found and where, in every report', async () => {
    const served = await serve({ keys: 7 });
    const run = await conformance(live(served)).finally(() => served.close());
    expect(run.code, run.output).to.equal(0);
    expect(run.result.verdict).to.equal('pass');
    const keys = run.result.projectKeys;
    expect(keys?.ids).to.deep.equal([
      {
        state: 'key owned by a user',
        id: served.seed.userKeyId,
        source: 'list',
        detail: 'discovered: page 1, entry 1 of the list',
      },
      {
        state: 'key owned by a service account',
        id: served.seed.serviceAccountKeyId,
        source: 'list',
        detail: 'discovered: page 1, entry 2 of the list',
      },
    ]);
    expect(keys?.discovery).to.deep.equal({ pages: 1, keysRead: 7 });
    expect(keys?.list).to.deep.include({ document: 'schemas/openai-openapi-f85dbe2.yaml' });
    expect(keys?.list.note).to.match(/--spec document schemas\/openapi.yaml has no list operation/);
    // Both key states were checked with the discovered ids.
    const schema = run.result.checks.filter((c) => c.category === 'schema' && c.status === 'pass');
    expect(schema.map((c) => c.name)).to.include.members([
      'key owned by a user: body is a ProjectApiKey',
      'key owned by a service account: body is a ProjectApiKey',
    ]);
    // The list itself was checked: one check per rule over its pages.
    const listChecks = run.result.checks.filter((c) => c.name.startsWith('discovery: '));
    expect(listChecks.map((c) => [c.category, c.status])).to.deep.equal([
      ['transport', 'pass'],
      ['schema', 'pass'],
      ['security', 'pass'],
      ['list', 'pass'],
    ]);
    for (const text of [run.output, ...Object.values(run.files)]) {
      // summary.md escapes `_`.
      expect(text.replaceAll('\\_', '_')).to.include(served.seed.userKeyId);
      expect(text).to.match(/page 1, entry 2 of the list/);
    }
    expectSound(run);
  });

  it('lets ids given by flag win, and discovers only the ones missing', async () => {
    const served = await serve({ keys: 4 });
    const run = await conformance(live(served, '--user-key-id', served.seed.userKeyId)).finally(() =>
      served.close(),
    );
    expect(run.code, run.output).to.equal(0);
    expect(run.result.projectKeys?.ids.map((r) => [r.source, r.detail])).to.deep.equal([
      ['flag', 'given by --user-key-id'],
      ['list', 'discovered: page 1, entry 2 of the list'],
    ]);
  });

  it('skips the state of an owner type the project has no key of, with the reason', async () => {
    const served = await serve({ keys: 2 }, undefined, (provider) =>
      provider.store.removeKey(provider.seed.projectId, provider.seed.serviceAccountKeyId),
    );
    const run = await conformance(live(served)).finally(() => served.close());
    expect(run.code, run.output).to.equal(0);
    const reason =
      "the project's list (1 key on 1 page) has no key owned by a service account, and no --service-account-key-id was given";
    expect(run.result.projectKeys?.ids[1]).to.deep.equal({
      state: 'key owned by a service account',
      source: 'none',
      detail: reason,
    });
    const skipped = run.result.checks.filter((c) => c.status === 'skip').map((c) => c.skipReason);
    expect(skipped).to.include(reason);
    expect(
      run.result.checks.some(
        (c) => c.status === 'pass' && c.name === 'key owned by a service account: live request',
      ),
    ).to.equal(false);
  });

  it('shows a discovered id from the target as text, never as a terminal code', async () => {
    const hostile = 'key_\u001b[2J\u0007\r\nx';
    const served = await serve({}, (handler) => (req, res) => {
      if (!req.url?.includes('/api_keys?')) return handler(req, res);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({ object: 'list', data: [{ id: hostile, owner: { type: 'user' } }], has_more: false }),
      );
    });
    const run = await conformance(live(served)).finally(() => served.close());
    const discovered = run.output.split('\n').find((line) => line.includes('discovered key owned by a user'));
    expect(discovered).to.match(/key_\\u001b\[2J\\u0007 x \(page 1, entry 1 of the list\)$/);
    expect(run.output).to.not.include('\u001b');
  });

  it('fails a project with no key at all: a list that passes is no key body checked', async () => {
    const served = await serve({ keys: 2 }, undefined, (provider) => {
      provider.store.removeKey(provider.seed.projectId, provider.seed.userKeyId);
      provider.store.removeKey(provider.seed.projectId, provider.seed.serviceAccountKeyId);
    });
    const run = await conformance(live(served)).finally(() => served.close());
    expect(run.code).to.equal(1);
    expect(
      run.result.checks.find((c) => c.name.startsWith('discovery: ') && c.category === 'schema')?.status,
    ).to.equal('pass');
    expect(run.result.incompleteReason).to.match(/no key body was checked/);
  });

  it('fails a list body that breaks ProjectApiKeyListResponse, and says why the states have no ids', async () => {
    const served = await serve({}, (handler) => (req, res) => {
      if (!req.url?.includes('/api_keys?')) return handler(req, res);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ object: 'page', data: [{ id: 'key_x' }], has_more: 'no' }));
    });
    const run = await conformance(live(served)).finally(() => served.close());
    expect(run.code).to.equal(1);
    const schema = run.result.checks.find((c) => c.name.startsWith('discovery: ') && c.category === 'schema');
    expect(schema?.status).to.equal('fail');
    expect(schema?.findings.map((f) => f.pointer)).to.include.members([
      '/object',
      '/has_more',
      '/data/0/owner',
    ]);
    expect(schema?.findings[0]?.message).to.match(/^page 1: /);
    expect(run.result.incompleteReason).to.match(/no key body was checked/);
    expectSound(run);
  });
});

describe('--sweep: every listed key retrieved', function () {
  this.timeout(60_000);

  it('one check per rule over all keys, with counts; exchanges kept in part; each key compared', async () => {
    const served = await serve({ keys: 300 });
    const run = await conformance(live(served, '--sweep', '--concurrency', '8')).finally(() =>
      served.close(),
    );
    expect(run.code, run.output).to.equal(0);
    const checks = sweepChecks(run.result);
    expect(checks.map((c) => [c.category, c.status, c.tally?.judged])).to.deep.equal([
      ['transport', 'pass', 3],
      ['schema', 'pass', 3],
      ['security', 'pass', 3],
      ['list', 'pass', 3],
      ['transport', 'pass', 300],
      ['schema', 'pass', 300],
      ['semantic', 'pass', 300],
      ['security', 'pass', 300],
      ['list', 'pass', 300],
    ]);
    const sweep = run.result.projectKeys?.sweep;
    expect(sweep).to.deep.include({
      listed: 300,
      retrieved: 300,
      pages: 3,
      failedKeys: 0,
      concurrency: 8,
      maxKeys: 1000,
    });
    expect(sweep?.exchangesNotKept).to.be.greaterThan(250);
    expect(run.result.exchanges.length).to.be.below(60);
    expect(run.output).to.match(/sweep: 300 of 300 keys retrieved in [\d.]+ s \(\d+ keys\/s\), 0 failing/);
    expectSound(run);
  });

  it('names the failing key and the pointer, and keeps that key’s exchange', async () => {
    const served = await serve({ keys: 40, fault: 'list-retrieve-disagree' });
    const run = await conformance(live(served, '--sweep')).finally(() => served.close());
    expect(run.code).to.equal(1);
    const agreement = sweepChecks(run.result).find(
      (c) => c.name === 'sweep: every listed key is retrieved as listed',
    );
    expect(agreement?.tally).to.include({ judged: 40, failed: 1 });
    expect(agreement?.findings.map((f) => [f.pointer, f.message])).to.deep.equal([
      [
        '/name',
        `${served.seed.serviceAccountKeyId}: retrieved "Deploy pipeline", the list shows "Deploy pipeline (renamed)"`,
      ],
    ]);
    const kept = run.result.exchanges.filter(
      (e) => e.check === `sweep: key ${served.seed.serviceAccountKeyId}`,
    );
    expect(kept).to.have.length(1);
    expect(agreement?.exchangeIds).to.include(kept[0]?.id);
    expect(run.output).to.match(
      /FAIL list: sweep: every listed key is retrieved as listed \(40 keys judged: 1 failed\)/,
    );
  });

  it('honours a 429 with Retry-After on the list and on each retrieve, and passes', async () => {
    const served = await serve({ keys: 3, fault: 'rate-limited', faultOptions: { retryAfterSeconds: 1 } });
    const run = await conformance(live(served, '--sweep', '--concurrency', '4')).finally(() =>
      served.close(),
    );
    expect(run.code, run.output).to.equal(0);
    const listPage = run.result.exchanges.find((e) => e.check === 'sweep: list page 1');
    const retrieve = run.result.exchanges.find((e) => e.check?.startsWith('sweep: key '));
    for (const exchange of [listPage, retrieve]) {
      expect(exchange?.attempts.map((a) => a.status)).to.deep.equal([429, 200]);
      expect(exchange?.attempts[0]?.error).to.match(/Retry-After: 1/);
      expect(exchange?.attempts[0]?.waitMs).to.equal(1000);
    }
    expect(sweepChecks(run.result).every((c) => c.attempts === 2)).to.equal(true);
  });

  it('says how far it is as it goes: keys done and total, the rate, the failures', async () => {
    const served = await serve(
      { keys: 60 },
      (handler) => (req, res) => setTimeout(() => handler(req, res), 5),
    );
    const run = await conformance(live(served, '--sweep', '--concurrency', '2'), {
      environment: { sweepProgressEveryMs: 40 },
    }).finally(() => served.close());
    const progress = run.output.split('\n').filter((line) => / keys retrieved in /.test(line));
    expect(progress.length, run.output).to.be.greaterThan(2);
    expect(progress[0]).to.match(
      /^ {2}sweep: \d+ of \d+( listed so far)? keys retrieved in [\d.]+ s \(\d+ keys\/s\), 0 failing$/,
    );
  });

  it('is bounded by --max-time: exit 1, reports marked incomplete with what was swept', async () => {
    const served = await serve(
      { keys: 2000 },
      (handler) => (req, res) => setTimeout(() => handler(req, res), 20),
    );
    const run = await conformance(
      live(
        served,
        '--user-key-id',
        served.seed.userKeyId,
        '--service-account-key-id',
        served.seed.serviceAccountKeyId,
        '--sweep',
        '--max-time',
        '4000',
      ),
    );
    await served.close();
    expect(run.code).to.equal(1);
    expect(run.result).to.include({ complete: false, verdict: 'fail' });
    expect(run.result.incompleteReason).to.match(/--max-time 4000 ms/);
    const sweep = run.result.projectKeys?.sweep;
    expect(sweep?.retrieved).to.be.greaterThan(0).and.below(2000);
    expect(sweep?.stoppedBecause).to.equal('the run was stopped');
    const judged = sweepChecks(run.result).find((c) => c.category === 'schema' && c.tally?.unit === 'keys');
    expect(judged?.tally?.judged).to.equal(sweep?.retrieved);
    expectSound(run);
  });

  it('writes its reports marked incomplete, with what it gathered, when interrupted', async () => {
    const served = await serve(
      { keys: 2000 },
      (handler) => (req, res) => setTimeout(() => handler(req, res), 20),
    );
    const signals = new EventEmitter();
    let interrupted = false;
    const run = await conformance(
      live(served, '--sweep'),
      { signals, environment: { sweepProgressEveryMs: 200 } },
      (text) => {
        // The first progress line with a key done: under load the first may come before any.
        if (!interrupted && /sweep: [1-9]\d* of \d+ keys retrieved in/.test(text)) {
          interrupted = true;
          signals.emit('SIGINT');
        }
      },
    );
    await served.close();
    expect(run.code).to.equal(130);
    expect(run.result).to.include({ complete: false, incompleteReason: 'interrupted by SIGINT' });
    const sweep = run.result.projectKeys?.sweep;
    expect(sweep?.retrieved).to.be.greaterThan(0).and.below(2000);
    expect(
      sweepChecks(run.result).find((c) => c.category === 'transport' && c.tally?.unit === 'keys')?.tally
        ?.judged,
    ).to.equal(sweep?.retrieved);
    expect(Object.keys(run.files)).to.have.members(Object.values(REPORT_FILES));
    expectSound(run);
  });
});
