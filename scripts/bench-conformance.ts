// The whole conformance command against the raw `pact verifier` binary, each as a process of its own,
// on the same pact and the same reference provider, with 0 ms and 100 ms added to every request; and the
// same command with --probes 0, for what the probe stage costs:
//   npm run bench:conformance -- [--runs 7] [--latency 0,100]
// Timed: `node dist/cli/bin.js conformance ...` (the compiled CLI, no tsx or npm in between) and
// `pact verifier --state-change-url ...`. A measurement, not a test: it asserts nothing.
//
// The provider runs in this process with Pact's state-change endpoint, so the verifier sets up all four
// states and passes; the conformance run maps states to the provider's seeded ids, as for a real
// deployment. Latency comes from a loopback proxy in front of the provider that holds each request
// before forwarding it; state-change calls go to the provider directly, as they are set-up of a test
// double, not requests to the target.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, request, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { CONTRACT_PATH } from '../src/contract/pact-file.ts';
import { PactBinaryMissingError, pactBinaryPath, pactEnvironment } from '../src/pact/binary.ts';
import { EXAMPLE_ADMIN_KEY } from '../src/pact/provider-states.ts';
import { conformanceFlags, startReferenceProvider } from '../src/provider/index.ts';

const TARGETS: Record<number, number> = { 0: 2, 100: 1.2 };
const STATE_CHANGE_PATH = '/_pact/state';
const BIN = fileURLToPath(new URL('../dist/cli/bin.js', import.meta.url));

const { values } = parseArgs({
  options: { runs: { type: 'string', default: '7' }, latency: { type: 'string', default: '0,100' } },
});
const runs = Number(values.runs);
const latencies = values.latency.split(',').map(Number);
if (!Number.isInteger(runs) || runs < 1 || latencies.some((ms) => !Number.isInteger(ms) || ms < 0)) {
  process.stderr.write(
    'bench:conformance: --runs must be a positive integer, --latency whole ms, e.g. 0,100\n',
  );
  process.exit(2);
}
if (!existsSync(BIN)) {
  process.stderr.write('bench:conformance: no dist/cli/bin.js: run `npm run build` first\n');
  process.exit(2);
}
const pact = pactBinaryOrExit();

/** The pact binary, or the one line every command gives when it is missing, and exit 2. */
function pactBinaryOrExit(): string {
  try {
    return pactBinaryPath();
  } catch (error) {
    if (!(error instanceof PactBinaryMissingError)) throw error;
    process.stderr.write(`bench:conformance: ${error.message}\n`);
    process.exit(2);
  }
}

/**
 * A loopback proxy that holds every request `delayMs` before passing it to `target`, headers as received
 * (`rawHeaders`: a repeated Authorization header stays two, as the probes send it).
 */
const delayingProxy = async (target: URL, delayMs: number) => {
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    setTimeout(() => {
      const upstream = request(
        {
          host: target.hostname,
          port: target.port,
          method: req.method,
          path: req.url,
          headers: req.rawHeaders,
        },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      upstream.on('error', () => res.destroy());
      req.pipe(upstream);
    }, delayMs);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}${target.pathname.replace(/\/$/, '')}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
};

/** Runs a process to its end; its wall time in ms, from spawn to exit. */
const timed = (command: string, args: string[], env: NodeJS.ProcessEnv) =>
  new Promise<{ ms: number; code: number | null; output: string }>((resolve, reject) => {
    const started = performance.now();
    const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const output: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => output.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => output.push(chunk));
    child.on('error', reject);
    child.on('close', (code) =>
      resolve({ ms: performance.now() - started, code, output: Buffer.concat(output).toString() }),
    );
  });

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[middle] ?? 0) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
};

// Only what a person's shell would pass: no TypeScript loader from this script's own process.
const { NODE_OPTIONS: _loader, ...shell } = process.env;
const env = { ...shell, PACT_DO_NOT_TRACK: 'true', OPENAI_ADMIN_KEY: EXAMPLE_ADMIN_KEY };
const provider = await startReferenceProvider({
  adminKey: EXAMPLE_ADMIN_KEY,
  stateChangePath: STATE_CHANGE_PATH,
});
const stateChangeUrl = new URL(STATE_CHANGE_PATH, provider.url).href;
const reports = mkdtempSync(join(tmpdir(), 'bench-conformance-'));
const lines: string[] = [];
try {
  for (const latency of latencies) {
    const proxy = latency > 0 ? await delayingProxy(new URL(provider.url), latency) : undefined;
    const target = new URL(proxy?.url ?? provider.url);
    const conformanceArgs = [
      BIN,
      'conformance',
      ...conformanceFlags({ ...provider, url: target.href.replace(/\/$/, '') }),
      '--report-dir',
      reports,
      // One seed for every run: each sends the same probes.
      '--seed',
      '1',
    ];
    // The raw verifier in the environment the suite gives it (../src/pact/binary.ts), less the empty trust
    // store: as a person runs it, but with no stray PACT_* variable changing what it verifies.
    const contenders: [string, string, string[], NodeJS.ProcessEnv][] = [
      ['conformance', process.execPath, conformanceArgs, env],
      [
        'pact verifier',
        pact,
        [
          'verifier',
          '--file',
          CONTRACT_PATH,
          '--hostname',
          target.hostname,
          '--port',
          target.port,
          '--state-change-url',
          stateChangeUrl,
          '--no-colour',
        ],
        pactEnvironment('verifier', shell),
      ],
      // What the probe stage costs: the same run without it.
      ['conformance --probes 0', process.execPath, [...conformanceArgs, '--probes', '0'], env],
    ];
    const times: number[][] = contenders.map(() => []);
    // One untimed run each first (disk cache, the provider's JIT), then turns, so load hits both alike.
    for (let run = 0; run <= runs; run++) {
      for (const [index, [name, command, args, contenderEnv]] of contenders.entries()) {
        const { ms, code, output } = await timed(command, args, contenderEnv);
        if (code !== 0) {
          process.stderr.write(`bench:conformance: ${name} exited ${code} at ${latency} ms:\n${output}\n`);
          process.exit(1);
        }
        if (run > 0) times[index]?.push(ms);
      }
    }
    await proxy?.close();
    const [ours, raw, unprobed] = times.map(median) as [number, number, number];
    const target_ = TARGETS[latency];
    const verdict =
      target_ === undefined ? '' : ` (target ≤ ${target_}×: ${ours / raw <= target_ ? 'met' : 'NOT met'})`;
    lines.push(
      `+${latency} ms per request: conformance ${ours.toFixed(0)} ms, pact verifier ${raw.toFixed(0)} ms, ` +
        `ratio ${(ours / raw).toFixed(2)}×${verdict}; with --probes 0 ${unprobed.toFixed(0)} ms ` +
        `(ratio ${(unprobed / raw).toFixed(2)}×${target_ === undefined ? '' : `, target ${unprobed / raw <= target_ ? 'met' : 'NOT met'}`}): the default 40 probes cost ${(ours - unprobed).toFixed(0)} ms`,
    );
  }
} finally {
  await provider.close();
  rmSync(reports, { recursive: true, force: true });
}
process.stdout.write(
  [
    `whole processes, median wall time of ${runs} runs each (node ${process.version}; indicative on a shared machine)`,
    ...lines,
    '',
  ].join('\n'),
);
