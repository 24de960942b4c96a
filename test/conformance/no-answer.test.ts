import { EventEmitter } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { runConformanceCli } from '../../src/cli/conformance.ts';
import { LIVE_STATES } from '../../src/conformance/stages/live.ts';
import { CHECK_CATEGORIES, type CheckResult } from '../../src/core/check.ts';
import { STATE_LABELS } from '../../src/pact/provider-states.ts';
import { conformanceFlags, REFERENCE_SEED, startReferenceProvider } from '../../src/provider/index.ts';
import type { ConformanceResult } from '../../src/report/conformance-result.ts';
import { REPORT_FILES } from '../../src/report/files.ts';

// A check passes only if it looked at something. Every check a run produces, walked against a target that
// never answers: a closed loopback port, and a port that accepts and never says a word. The list of checks
// is what a whole run against the reference provider produces, so a new check is walked without editing this.

const ADMIN_KEY = 'sk-admin-EXAMPLE-noanswer';
const FAST = { baseDelayMs: 5, maxDelayMs: 20, maxRetryAfterMs: 50 };

interface Run {
  code: number;
  result: ConformanceResult;
  output: string;
}

const run = async (args: string[]): Promise<Run> => {
  const dir = mkdtempSync(join(tmpdir(), 'no-answer-'));
  const output: string[] = [];
  try {
    const code = await runConformanceCli([...args, '--report-dir', dir], {
      env: { OPENAI_ADMIN_KEY: ADMIN_KEY },
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

/** A check as the reports name it: a check of another pact or category is another check. */
const idOf = (check: Pick<CheckResult, 'category' | 'name'>): string => `${check.category}: ${check.name}`;

/** Listens on loopback and accepts every connection, then says nothing until it is closed. */
const silentServer = async (): Promise<{ url: string; close(): Promise<void> }> => {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}/v1`,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
};

/** A loopback port nothing listens on: bound, then closed. */
const closedPort = async (): Promise<string> => {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}/v1`;
};

describe('a target that never answers', function () {
  this.timeout(60_000);

  // Every check the run can produce: all of them come out of a run against the reference provider.
  let reference: Run;
  let ids: string[];
  let targetIds: string[];
  before(async () => {
    const provider = await startReferenceProvider({ adminKey: ADMIN_KEY });
    try {
      // With --sweep: the list's and the sweep's checks are walked too.
      reference = await run([...conformanceFlags(provider), '--sweep', '--timeout', '2000']);
    } finally {
      await provider.close();
    }
    ids = reference.result.checks.map(idOf);
    // The contract checks judge the pact and the document, which the run read; every other check judges the target.
    targetIds = reference.result.checks.filter((c) => c.category !== 'contract').map(idOf);
  });

  it('the list of checks is whole: every provider state and every category has checks in it', () => {
    expect(reference.code, reference.output).to.equal(0);
    expect([...new Set(reference.result.checks.map((c) => c.category))]).to.have.members([
      ...CHECK_CATEGORIES,
    ]);
    // Every retrieve state; the list's state is the current pact's, and the sweep's checks judge the list.
    for (const key of LIVE_STATES) {
      const live = reference.result.checks.filter((c) => c.name.startsWith(`${STATE_LABELS[key]}:`));
      expect(live, STATE_LABELS[key]).to.not.have.length(0);
    }
    expect(reference.result.checks.filter((c) => c.category === 'pact')).to.have.length(LIVE_STATES.length);
    expect(reference.result.checks.filter((c) => c.name.startsWith('sweep: '))).to.have.length(9);
  });

  const targets: [string, () => Promise<{ url: string; close(): Promise<void> }>][] = [
    ['a closed loopback port', async () => ({ url: await closedPort(), close: async () => {} })],
    ['a port that accepts and never answers', silentServer],
  ];
  for (const [description, start] of targets) {
    it(`${description}: no check of the target passes, and none is left out`, async () => {
      const target = await start();
      let silent: Run;
      try {
        const flags = conformanceFlags({ url: target.url, seed: REFERENCE_SEED });
        silent = await run([...flags, '--sweep', '--timeout', '200', '--retries', '1']);
      } finally {
        await target.close();
      }
      const { result, output, code } = silent;
      expect(code, output).to.equal(1);
      expect(result.checks.map(idOf), 'the same checks as against a target that answers').to.have.members(
        ids,
      );
      const passed = result.checks.filter((c) => targetIds.includes(idOf(c)) && c.status === 'pass');
      expect(passed.map(idOf), output).to.deep.equal([]);
      for (const check of result.checks.filter((c) => c.status === 'skip')) {
        expect(check.skipReason, idOf(check)).to.be.a('string').and.not.equal('');
      }
      // The contract checks read the pact and the document only: the target does not change them.
      const contract = (r: ConformanceResult) =>
        r.checks.filter((c) => c.category === 'contract').map((c) => [c.name, c.status]);
      expect(contract(result)).to.deep.equal(contract(reference.result));
      expect(result.summary.passed).to.equal(0);
      expect(output).not.to.match(/passed only after retries/);
    });
  }
});
