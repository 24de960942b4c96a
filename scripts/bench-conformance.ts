// How long a whole conformance run takes against the bundled reference provider, in-process:
// `npm run bench:conformance -- [--runs 10]`. A measurement, not a test: it asserts nothing.
import { EventEmitter } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { runConformanceCli } from '../src/cli/conformance.ts';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '10' } } });
const runs = Number(values.runs);
if (!Number.isInteger(runs) || runs < 1) {
  process.stderr.write('bench:conformance: --runs must be a positive integer\n');
  process.exit(2);
}

const dir = mkdtempSync(join(tmpdir(), 'bench-conformance-'));
const quiet = { stdout: () => {}, stderr: (text: string) => process.stderr.write(text) };
const durations: number[] = [];
try {
  // The first run pays for compiling validators and loading Pact's native core; report it apart.
  const first = performance.now();
  await runConformanceCli(['--report-dir', dir], { io: quiet, signals: new EventEmitter(), env: {} });
  const coldMs = performance.now() - first;
  for (let run = 0; run < runs; run++) {
    const started = performance.now();
    const code = await runConformanceCli(['--report-dir', dir], {
      io: quiet,
      signals: new EventEmitter(),
      env: {},
    });
    durations.push(performance.now() - started);
    if (code !== 0) throw new Error(`run ${run + 1} exited ${code}`);
  }
  durations.sort((a, b) => a - b);
  const at = (q: number) => durations[Math.min(durations.length - 1, Math.floor(q * durations.length))] ?? 0;
  const ms = (value: number) => `${value.toFixed(0)} ms`;
  process.stdout.write(
    [
      `conformance run against the reference provider, ${runs} warm runs (node ${process.version})`,
      `cold (first run in the process): ${ms(coldMs)}`,
      `warm: min ${ms(at(0))}, median ${ms(at(0.5))}, p90 ${ms(at(0.9))}, max ${ms(at(1))}`,
      '',
    ].join('\n'),
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
// Pact's native core may keep handles open after the last verification.
process.exit(0);
