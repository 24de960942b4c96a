import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { conformanceFlags, startReferenceProvider } from '../../src/provider/index.ts';
import { repoPath } from '../helpers.ts';

// Flat memory, measured by the sweeping process itself (a child): the live heap (after a forced collection)
// does not grow with the keys swept, its peak RSS stays under 200 MB, and every report stays under 10 MB.
// bench:sweep measures the same at 20,000 keys without forced collections (README); this is its quick proof.

const ADMIN_KEY = `sk-admin-${'M'.repeat(40)}`;
const KEYS = 4000;

interface Measured {
  code: number;
  samples: { keys: number; heapBytes: number }[];
  maxRssBytes: number;
}

const sweepInChild = (argv: string[]): Promise<Measured> =>
  new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--expose-gc', '--import', 'tsx', repoPath('test/conformance/sweep-memory-child.ts'), ...argv],
      { env: { ...process.env, OPENAI_ADMIN_KEY: ADMIN_KEY }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk;
    });
    child.on('error', reject);
    child.on('close', () => {
      try {
        resolve(JSON.parse(stdout.trim().split('\n').at(-1) ?? '') as Measured);
      } catch {
        reject(new Error(`the child said nothing measurable: ${stderr.slice(-2000)}`));
      }
    });
  });

describe('a sweep’s memory, measured by the sweeping process', function () {
  this.timeout(180_000);

  it(`holds the live heap flat over ${KEYS} keys, peaks under 200 MB RSS, writes reports under 10 MB`, async () => {
    const provider = await startReferenceProvider({ adminKey: ADMIN_KEY, keys: KEYS });
    const dir = mkdtempSync(join(tmpdir(), 'sweep-memory-'));
    let measured: Measured;
    try {
      measured = await sweepInChild([
        ...conformanceFlags(provider),
        '--sweep',
        '--max-keys',
        String(KEYS),
        '--concurrency',
        '16',
        // The sweep's memory, not the probes'.
        '--probes',
        '0',
        '--report-dir',
        dir,
      ]);
      for (const name of readdirSync(dir)) {
        expect(statSync(join(dir, name)).size, name).to.be.below(10 * 1024 * 1024);
      }
    } finally {
      await provider.close();
      rmSync(dir, { recursive: true, force: true });
    }
    expect(measured.code).to.equal(0);
    const early = measured.samples.find((s) => s.keys >= KEYS / 8);
    const late = measured.samples.at(-1);
    expect(late?.keys, 'the last sample is of the whole sweep').to.equal(KEYS);
    expect(early, JSON.stringify(measured.samples)).to.not.equal(undefined);
    const early_ = early as Measured['samples'][number];
    const late_ = late as Measured['samples'][number];
    // Per key swept between the two samples: the ids seen (a Set, for repeats) are all that may grow.
    const perKey = (late_.heapBytes - early_.heapBytes) / (late_.keys - early_.keys);
    expect(perKey, `${Math.round(perKey)} bytes of live heap per key`).to.be.below(400);
    expect(measured.maxRssBytes).to.be.below(200 * 1024 * 1024);
  });
});
