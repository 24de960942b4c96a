// What the transport policy costs per request, against a local server:
// `npm run bench:transport -- [--requests 2000] [--concurrency 1,8]`. A measurement, not a test.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { type ConsoleIO, EXIT, parseFlags, processIO, UsageError } from '../src/core/usage.ts';
import { createTransport } from '../src/transport/transport.ts';

const USAGE = 'usage: npm run bench:transport -- [--requests N] [--concurrency 1,8]';

/** A body the size of a real ProjectApiKey. */
const BODY = JSON.stringify({
  object: 'organization.project.api_key',
  redacted_value: `sk-proj-${'*'.repeat(120)}abcd`,
  name: 'benchmark key',
  created_at: 1711471533,
  id: 'key_abc',
  owner: { type: 'user', user: { object: 'organization.project.user', id: 'user_abc', name: 'Ada' } },
});

interface Row {
  path: string;
  concurrency: number;
  requests: number;
  totalMs: number;
  latencies: number[];
}

const percentile = (sorted: number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;

/** Runs `count` requests, `concurrency` at a time; each must answer 200. */
const measure = async (
  path: string,
  send: () => Promise<Response>,
  count: number,
  concurrency: number,
): Promise<Row> => {
  const latencies: number[] = [];
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < count) {
      next++;
      const started = performance.now();
      const response = await send();
      await response.arrayBuffer();
      if (response.status !== 200) throw new Error(`${path}: HTTP ${response.status}`);
      latencies.push(performance.now() - started);
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { path, concurrency, requests: count, totalMs: performance.now() - started, latencies };
};

const listen = (server: Server): Promise<string> =>
  new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`),
    ),
  );

const table = (rows: Row[]): string => {
  const baseline = new Map(
    rows.filter((r) => r.path === 'fetch (baseline)').map((r) => [r.concurrency, r.totalMs / r.requests]),
  );
  const header = ['path', 'conc', 'requests', 'req/s', 'mean ms', 'p50 ms', 'p99 ms', 'overhead/req'];
  const lines = rows.map((row) => {
    const sorted = [...row.latencies].sort((a, b) => a - b);
    const perRequest = row.totalMs / row.requests;
    const overhead = perRequest - (baseline.get(row.concurrency) ?? perRequest);
    return [
      row.path,
      String(row.concurrency),
      String(row.requests),
      (row.requests / (row.totalMs / 1000)).toFixed(0),
      (sorted.reduce((a, b) => a + b, 0) / sorted.length).toFixed(3),
      percentile(sorted, 50).toFixed(3),
      percentile(sorted, 99).toFixed(3),
      row.path === 'fetch (baseline)' ? '-' : `${(overhead * 1000).toFixed(0)} µs`,
    ];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => (l[i] ?? '').length)));
  const format = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ');
  return [format(header), format(widths.map((w) => '-'.repeat(w))), ...lines.map(format)].join('\n');
};

export const runBench = async (argv: string[], io: ConsoleIO = processIO): Promise<number> => {
  try {
    const { values } = parseFlags({
      args: argv,
      options: {
        requests: { type: 'string', default: '2000' },
        concurrency: { type: 'string', default: '1,8' },
      },
    });
    const requests = Number(values.requests);
    const levels = values.concurrency.split(',').map(Number);
    if (!Number.isInteger(requests) || requests < 1)
      throw new UsageError(`--requests must be a positive integer (${USAGE})`);
    if (levels.some((c) => !Number.isInteger(c) || c < 1)) {
      throw new UsageError(`--concurrency must list positive integers (${USAGE})`);
    }

    const server = createServer((_request, response) => {
      response.writeHead(200, {
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(BODY),
      });
      response.end(BODY);
    });
    const target = await listen(server);
    const key = `sk-admin-bench-${process.pid}`;
    const headers = { authorization: `Bearer ${key}`, accept: 'application/json' };
    const url = `${target}/v1/organization/projects/proj_abc/api_keys/key_abc`;
    const rows: Row[] = [];
    try {
      for (const concurrency of levels) {
        // A fresh transport per row so each one's recorder starts empty, as in a run.
        const direct = createTransport({}, { secrets: [key] });
        const paths: [string, () => Promise<Response>][] = [
          ['fetch (baseline)', () => fetch(url, { headers })],
          ['transport.fetch', () => direct.fetch(url, { headers })],
        ];
        for (const [path, send] of paths) await measure(path, send, Math.min(100, requests), concurrency);
        for (const [path, send] of paths) rows.push(await measure(path, send, requests, concurrency));
        direct.close();
      }
    } finally {
      server.closeAllConnections();
      server.close();
    }
    io.stdout(`${table(rows)}\n`);
    io.stdout(
      `node ${process.version}, ${requests} requests per row after ${Math.min(100, requests)} warm-up\n`,
    );
    return EXIT.ok;
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`bench:transport: ${error.message}\n`);
      return EXIT.usage;
    }
    io.stderr(`bench:transport: ${(error as Error).message}\n`);
    return EXIT.internal;
  }
};

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  process.exitCode = await runBench(process.argv.slice(2));
}
