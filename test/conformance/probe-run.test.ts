import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { runConformanceCli } from '../../src/cli/conformance.ts';
import { SAFE_METHODS } from '../../src/conformance/probe-requests.ts';
import { worstCaseLine } from '../../src/conformance/run.ts';
import { createReferenceProvider } from '../../src/provider/index.ts';
import type { ConformanceResult } from '../../src/report/conformance-result.ts';
import { REPORT_FILES } from '../../src/report/files.ts';
import { resolvePolicy } from '../../src/transport/policy.ts';

// Whole runs with probing on: what reaches a live target (never a method that deletes), what the same
// seed sends again, what --other-project-id adds, and that --max-time still ends a run whose probes hang.

const canary = `sk-admin-canary${randomBytes(18).toString('hex')}`;
const FAST = { baseDelayMs: 5, maxDelayMs: 20, maxRetryAfterMs: 50 };

interface Received {
  method: string;
  url: string;
  authorization: string[];
  accept?: string;
}

/**
 * A live target as far as the run can tell (it is given by --base-url): the reference provider's handler
 * behind a server that records every request, and hangs every one after `answerFirst` when that is set.
 */
const recordingTarget = async (answerFirst = Number.POSITIVE_INFINITY) => {
  const provider = createReferenceProvider({ adminKey: canary });
  const received: Received[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    received.push({
      method: req.method ?? '',
      url: req.url ?? '',
      authorization: req.headersDistinct.authorization ?? [],
      ...(req.headers.accept === undefined ? {} : { accept: req.headers.accept }),
    });
    if (received.length > answerFirst) return; // hangs
    provider.handler(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const flags = [
    '--base-url',
    url,
    '--project-id',
    provider.seed.projectId,
    '--user-key-id',
    provider.seed.userKeyId,
    '--service-account-key-id',
    provider.seed.serviceAccountKeyId,
  ];
  const close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return { received, flags, close, seed: provider.seed };
};

const conformance = async (args: string[]) => {
  const dir = mkdtempSync(join(tmpdir(), 'probe-run-'));
  const output: string[] = [];
  try {
    const code = await runConformanceCli([...args, '--report-dir', dir, '--timeout', '2000'], {
      env: { OPENAI_ADMIN_KEY: canary },
      io: { stdout: (t) => output.push(t), stderr: (t) => output.push(t) },
      signals: new EventEmitter(),
      environment: { policy: FAST },
    });
    const result = JSON.parse(readFileSync(join(dir, REPORT_FILES.json), 'utf8')) as ConformanceResult;
    return { code, result, output: output.join('') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
};

/** A live run against a recording target: what the target received, and the run's own result. */
const liveRun = async (args: string[], answerFirst?: number) => {
  const target = await recordingTarget(answerFirst);
  try {
    const run = await conformance([...target.flags, ...args]);
    return { ...run, received: target.received, seed: target.seed };
  } finally {
    await target.close();
  }
};

const fingerprint = (received: readonly Received[]) =>
  received.map((r) => JSON.stringify([r.method, r.url, r.authorization, r.accept ?? null])).sort();

describe('conformance runs that probe', function () {
  this.timeout(60_000);

  it('never sends a live target anything but GET and HEAD, over hundreds of probes', async () => {
    const run = await liveRun(['--probes', '200', '--seed', '11']);
    const methods = new Set(run.received.map((r) => r.method));
    expect([...methods].filter((m) => !SAFE_METHODS.includes(m))).to.deep.equal([]);
    // The probes did go out, HEAD among them, and the well-behaved provider passed them all.
    expect(methods.has('HEAD')).to.equal(true);
    expect(run.received.length).to.be.greaterThan(120);
    expect(run.code, run.output).to.equal(0);
  });

  it('probes the bundled reference provider with other methods too', async () => {
    const run = await conformance(['--probes', '60', '--seed', '11']);
    const methods = new Set(run.result.exchanges.map((e) => e.request.method));
    expect([...methods].filter((m) => !SAFE_METHODS.includes(m))).not.to.deep.equal([]);
    expect(run.code, run.output).to.equal(0);
  });

  it('sends the same requests for the same seed and flags, the unknown-key and invalid-key states included', async () => {
    const first = await liveRun(['--seed', '4242', '--probes', '30']);
    const again = await liveRun(['--seed', '4242', '--probes', '30']);
    const other = await liveRun(['--seed', '4243', '--probes', '30']);
    expect(fingerprint(again.received)).to.deep.equal(fingerprint(first.received));
    expect(first.result.probing).to.include({ seed: 4242, probes: 30, replay: '--seed 4242 --probes 30' });
    expect(first.output).to.match(/^seed 4242: /m);
    // Another seed: other probes, and another unknown key id and invalid admin key.
    const states = (received: readonly Received[]) => fingerprint(received.slice(0, 4));
    expect(states(other.received)).not.to.deep.equal(states(first.received));
    expect(fingerprint(other.received)).not.to.deep.equal(fingerprint(first.received));
  });

  it('asks for a known key under --other-project-id', async () => {
    const run = await liveRun(['--other-project-id', 'proj_Other0project0id0000000', '--seed', '5']);
    const under = run.received.filter((r) => r.url.includes('/projects/proj_Other0project0id0000000/'));
    expect(under).to.not.have.length(0);
    expect(run.code, run.output).to.equal(0);
  });

  it('counts the probes in the worst case printed up front', () => {
    const policy = resolvePolicy({ timeoutMs: 1000, retries: 0 });
    expect(worstCaseLine(4, policy, 60_000, 0)).to.match(/^worst case 4 s: 4 requests of up to 1 s each/);
    expect(worstCaseLine(4, policy, 60_000, 40)).to.match(
      /^worst case 54 s: 84 requests \(4 for the provider states, 40 probes 4 at a time, up to 40 more to shrink failures\)/,
    );
  });

  it('still stops at --max-time when the probes hang, with the reports written', async () => {
    const run = await liveRun(['--timeout', '60000', '--max-time', '4000'], 4);
    expect(run.code).to.equal(1);
    expect(run.result.complete).to.equal(false);
    expect(run.result.incompleteReason).to.match(/--max-time 4000 ms/);
    expect(run.received.length).to.be.greaterThan(4);
  });
});
