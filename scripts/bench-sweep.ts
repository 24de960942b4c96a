// --sweep against a plain fetch loop, on the same reference provider, at the same concurrency:
//   npm run bench:sweep -- [--keys 5000] [--concurrency 1,4,16] [--runs 3] [--rss-keys 20000]
// Each side lists the project's keys (pages of 100) and retrieves every one, `concurrency` at a time. The
// sweep is the compiled CLI (`dist/cli/conformance.js`) in a process of its own, timed by its own report
// (projectKeys.sweep: listing and retrieving, no start-up); the loop is `fetch` and `JSON.parse` in a fresh
// process too, timed from its first request. The provider runs in a third process, so neither side shares
// an event loop with it. Then one sweep of
// --rss-keys keys reports its own peak RSS (process.resourceUsage().maxRSS) and its reports' sizes.
// A measurement, not a test: it asserts nothing.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { ConformanceResult } from '../src/report/conformance-result.ts';

const BIN = fileURLToPath(new URL('../dist/cli/bin.js', import.meta.url));
const CONFORMANCE = fileURLToPath(new URL('../dist/cli/conformance.js', import.meta.url));
const ADMIN_KEY = `sk-admin-bench${'0123456789'.repeat(4)}`;

const { values } = parseArgs({
  options: {
    keys: { type: 'string', default: '5000' },
    concurrency: { type: 'string', default: '1,4,16' },
    runs: { type: 'string', default: '3' },
    'rss-keys': { type: 'string', default: '20000' },
  },
});
const keys = Number(values.keys);
const runs = Number(values.runs);
const rssKeys = Number(values['rss-keys']);
const levels = values.concurrency.split(',').map(Number);
const whole = (n: number, min: number) => Number.isInteger(n) && n >= min;
if (
  !whole(keys, 2) ||
  !whole(runs, 1) ||
  !whole(rssKeys, 0) ||
  !levels.every((c) => whole(c, 1) && c <= 32)
) {
  process.stderr.write(
    'bench:sweep: --keys, --runs, --rss-keys and --concurrency (1-32) are whole numbers\n',
  );
  process.exit(2);
}
if (!existsSync(BIN)) {
  process.stderr.write('bench:sweep: no dist/cli/bin.js: run `npm run build` first\n');
  process.exit(2);
}

/** The reference provider in its own process, with `count` keys; resolves with its URL and project. */
const startProvider = async (
  count: number,
): Promise<{ url: string; projectId: string; child: ChildProcess }> => {
  const child = spawn(process.execPath, [BIN, 'provider', '--keys', String(count), '--port', '0'], {
    env: { ...process.env, OPENAI_ADMIN_KEY: ADMIN_KEY },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  for await (const chunk of child.stdout as AsyncIterable<Buffer>) {
    out += chunk;
    const url = /listening on (\S+)/.exec(out)?.[1];
    const projectId = /project_id\s+(\S+)/.exec(out)?.[1];
    if (url && projectId && out.includes('verify it with')) return { url, projectId, child };
  }
  throw new Error(`the provider did not start: ${out}`);
};

/**
 * The plain loop, in a fresh process as the sweep is (neither side warmed by the runs before): list every
 * page, then fetch every key with `fetch` and `JSON.parse`, `concurrency` at a time. Keys per second.
 */
const LOOP = `const [base, count, concurrency, key] = process.argv.slice(1);
const headers = { authorization: 'Bearer ' + key, accept: 'application/json' };
(async () => {
  const started = performance.now();
  const ids = [];
  for (let after; ids.length < Number(count); ) {
    const page = await (await fetch(base + '?limit=100' + (after ? '&after=' + after : ''), { headers })).json();
    ids.push(...page.data.map((k) => k.id));
    if (!page.has_more) break;
    after = page.last_id;
  }
  ids.length = Math.min(ids.length, Number(count));
  let next = 0;
  const worker = async () => {
    while (next < ids.length) JSON.parse(await (await fetch(base + '/' + ids[next++], { headers })).text());
  };
  await Promise.all(Array.from({ length: Number(concurrency) }, worker));
  process.stdout.write(String(ids.length / ((performance.now() - started) / 1000)));
})();`;

const fetchLoop = async (
  url: string,
  projectId: string,
  count: number,
  concurrency: number,
): Promise<number> => {
  const base = `${url}/organization/projects/${projectId}/api_keys`;
  const child = spawn(
    process.execPath,
    ['-e', LOOP, '--', base, String(count), String(concurrency), ADMIN_KEY],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  let out = '';
  for await (const chunk of child.stdout as AsyncIterable<Buffer>) out += chunk;
  const rate = Number(out);
  if (!(rate > 0)) throw new Error(`the fetch loop said ${JSON.stringify(out)}`);
  return rate;
};

interface Swept {
  keysPerSecond: number;
  maxRssMb: number;
  reportBytes: Record<string, number>;
}

/** The compiled CLI's sweep in a process of its own, which reports its own peak RSS on exit. */
const sweep = async (url: string, projectId: string, count: number, concurrency: number): Promise<Swept> => {
  const dir = mkdtempSync(join(tmpdir(), 'bench-sweep-'));
  const script = `require(${JSON.stringify(CONFORMANCE)}).main(process.argv.slice(1)).then((code) => {
    process.stderr.write('maxRSS ' + process.resourceUsage().maxRSS + '\\n'); process.exit(code); });`;
  const args = ['--base-url', url, '--project-id', projectId, '--sweep', '--max-keys', String(count)];
  args.push('--concurrency', String(concurrency), '--report-dir', dir);
  try {
    const child = spawn(process.execPath, ['-e', script, '--', ...args], {
      env: { ...process.env, OPENAI_ADMIN_KEY: ADMIN_KEY },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    for await (const chunk of child.stderr as AsyncIterable<Buffer>) stderr += chunk;
    const maxRssKb = Number(/maxRSS (\d+)/.exec(stderr)?.[1]);
    const result = JSON.parse(readFileSync(join(dir, 'conformance.json'), 'utf8')) as ConformanceResult;
    const swept = result.projectKeys?.sweep;
    if (!swept || swept.retrieved !== count || result.verdict !== 'pass') {
      throw new Error(`the sweep did not pass over ${count} keys: ${result.incompleteReason ?? stderr}`);
    }
    const reportBytes = Object.fromEntries(
      readdirSync(dir).map((name) => [name, statSync(join(dir, name)).size]),
    );
    return {
      keysPerSecond: swept.retrieved / (swept.durationMs / 1000),
      maxRssMb: maxRssKb / 1024,
      reportBytes,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
};

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

const provider = await startProvider(Math.max(keys, rssKeys));
try {
  process.stdout.write(`${keys} keys, ${runs} runs per side, alternating; medians\n\n`);
  process.stdout.write(
    '| concurrency | fetch loop keys/s | --sweep keys/s | ratio | sweep peak RSS |\n| ---: | ---: | ---: | ---: | ---: |\n',
  );
  for (const concurrency of levels) {
    const loop: number[] = [];
    const swept: Swept[] = [];
    for (let run = 0; run < runs; run++) {
      loop.push(await fetchLoop(provider.url, provider.projectId, keys, concurrency));
      swept.push(await sweep(provider.url, provider.projectId, keys, concurrency));
    }
    const [a, b] = [median(loop), median(swept.map((s) => s.keysPerSecond))];
    const rss = Math.max(...swept.map((s) => s.maxRssMb));
    process.stdout.write(
      `| ${concurrency} | ${a.toFixed(0)} | ${b.toFixed(0)} | ${(b / a).toFixed(2)}× | ${rss.toFixed(0)} MB |\n`,
    );
  }
  if (rssKeys > 0) {
    const big = await sweep(provider.url, provider.projectId, rssKeys, 4);
    const sizes = Object.entries(big.reportBytes).map(
      ([name, bytes]) => `${name} ${(bytes / 1024).toFixed(0)} KB`,
    );
    process.stdout.write(
      `\n${rssKeys} keys at concurrency 4: ${big.keysPerSecond.toFixed(0)} keys/s, peak RSS ${big.maxRssMb.toFixed(0)} MB; reports: ${sizes.join(', ')}\n`,
    );
  }
} finally {
  provider.child.kill();
}
