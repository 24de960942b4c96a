import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { CONTRACT_PATH, PROVIDER } from '../../src/contract/pact-file.ts';
import { type RunningReferenceProvider, startReferenceProvider } from '../../src/provider/index.ts';
import type { ConformanceResult } from '../../src/report/conformance-result.ts';
import { REPORT_FILES } from '../../src/report/files.ts';
import { repoPath } from '../helpers.ts';
import { startServer, type TestServer } from '../transport/servers.ts';

// A stop at any point of a conformance run ends it as a stop: the signal's exit code (--max-time's 1), every
// report written and marked incomplete, never a run that says it is complete, exits 0 or calls itself an
// internal error. Each row is a process of its own that sends itself the signal the moment a given line is
// printed (terminate-on-line.ts, loaded with --import): while the run is set up, at each stage's start and
// between stages. Against the reference provider; the broker rows fetch the seed's pact from a loopback broker.

const contract = JSON.parse(readFileSync(CONTRACT_PATH, 'utf8')) as Record<string, unknown>;
const CONSUMER_VERSION = '1.0.0';

/** A Pact Broker with one pact for verification: the seed's. */
async function startBroker(): Promise<TestServer> {
  let base = '';
  const json = (response: ServerResponse, body: unknown) =>
    response.writeHead(200, { 'content-type': 'application/hal+json' }).end(JSON.stringify(body));
  const server = await startServer((request, response) => {
    const url = request.url ?? '/';
    if (url === '/') {
      json(response, {
        _links: {
          'pb:provider-pacts-for-verification': {
            href: `${base}/pacts/provider/{provider}/for-verification`,
            templated: true,
          },
        },
      });
    } else if (url.endsWith('/for-verification')) {
      json(response, {
        _embedded: { pacts: [{ shortDescription: 'latest', _links: { self: { href: `${base}/pacts/1` } } }] },
      });
    } else if (url === '/pacts/1') {
      json(response, {
        ...contract,
        provider: { name: PROVIDER },
        _links: {
          self: { href: `${base}/pacts/1` },
          'pb:consumer-version': { name: CONSUMER_VERSION, href: `${base}/versions/1` },
          'pb:publish-verification-results': { href: `${base}/results` },
        },
      });
    } else response.writeHead(404).end();
  });
  base = server.url;
  return server;
}

interface Row {
  label: string;
  /** Where the stop comes: the line it is sent on, or none (a --max-time that passes while the run loads). */
  stop: { signal: 'SIGTERM' | 'SIGINT'; line: string } | undefined;
  /** Where the pacts and the target come from: the loopback broker, a target given by --base-url, or neither. */
  from?: 'broker' | 'target';
  argv?: string[];
  exit: number;
  reason: RegExp;
  /** More that the reports must say. */
  also?: (result: ConformanceResult) => void;
}

const ADMIN_KEY = 'sk-admin-EXAMPLE-signals';
const SIGNAL_EXIT = { SIGTERM: 143, SIGINT: 130 } as const;
const at = (signal: 'SIGTERM' | 'SIGINT', line: string, label: string, more: Partial<Row> = {}): Row => ({
  label: `${signal} ${label}`,
  stop: { signal, line },
  exit: SIGNAL_EXIT[signal],
  reason: new RegExp(`^interrupted by ${signal}`),
  ...more,
});
const BROKER_PACT = `pact project-api-key-client@${CONSUMER_VERSION} from the Pact Broker`;

const ROWS: Row[] = [
  at('SIGTERM', 'fetching the pacts ', 'while the pacts are fetched from the broker', { from: 'broker' }),
  at('SIGTERM', BROKER_PACT, 'once the pacts are fetched, before the run is set up', { from: 'broker' }),
  at('SIGINT', BROKER_PACT, 'once the pacts are fetched, before the run is set up', { from: 'broker' }),
  {
    label: '--max-time 1 while the run loads',
    stop: undefined,
    argv: ['--max-time', '1'],
    exit: 1,
    reason: /^stopped at --max-time 1 ms/,
  },
  at('SIGTERM', 'seed ', 'while the run is set up (the verifier started, the document loaded)'),
  at('SIGINT', 'worst case ', 'as the run is set up'),
  at('SIGTERM', 'worst case ', 'as the run is set up, before it lists the project to discover key ids', {
    from: 'target',
    also: (result) => {
      // Stopped before it: no list was asked for, and the reports do not speak of a list read as empty.
      expect(result.exchanges).to.deep.equal([]);
      expect(result.projectKeys).to.equal(undefined);
      expect(result.checks.filter((c) => c.name.startsWith('discovery'))).to.deep.equal([]);
    },
  }),
  at('SIGTERM', 'started the reference provider ', 'as the target is started'),
  at('SIGINT', 'verifying ', 'as the pact is verified'),
  at('SIGTERM', 'pact project-api-key-client: ', 'between the verification and the live checks'),
  at('SIGINT', '  invalid admin key: live checks ', 'between the live checks and the probes', {
    argv: ['--probes', '4'],
  }),
];

interface Ended {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** The command as a process, `row`'s stop loaded into it; its exit and its output. */
function runRow(row: Row, dir: string, broker: string, target: RunningReferenceProvider): Promise<Ended> {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      '--import',
      repoPath('test/cli/terminate-on-line.ts'),
      repoPath('src/cli/conformance.ts'),
      ...(row.from === 'broker' ? ['--broker-url', broker, '--provider-version', '1'] : []),
      // --project-id alone: the run lists the project's keys to discover their ids.
      ...(row.from === 'target' ? ['--base-url', target.url, '--project-id', target.seed.projectId] : []),
      ...(row.argv ?? ['--probes', '0']),
      '--report-dir',
      dir,
    ],
    {
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        GITHUB_STEP_SUMMARY: '',
        OPENAI_ADMIN_KEY: ADMIN_KEY,
        ...(row.stop && { TERMINATE_ON_LINE: row.stop.line, TERMINATE_SIGNAL: row.stop.signal }),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const stdout: string[] = [];
  const stderr: string[] = [];
  child.stdout.on('data', (chunk) => stdout.push(String(chunk)));
  child.stderr.on('data', (chunk) => stderr.push(String(chunk)));
  return new Promise((resolve) =>
    child.on('close', (code, signal) =>
      resolve({ code, signal, stdout: stdout.join(''), stderr: stderr.join('') }),
    ),
  );
}

describe('conformance: a stop at any point of the run ends it as a stop, reports written and incomplete', function () {
  this.timeout(180_000);
  const scratch = mkdtempSync(join(tmpdir(), 'conformance-signals-'));
  let broker: TestServer | undefined;
  let target: RunningReferenceProvider | undefined;
  const ended = new Map<Row, Promise<Ended>>();
  before(async () => {
    broker = await startBroker();
    target = await startReferenceProvider({ adminKey: ADMIN_KEY });
    const [url, running] = [broker.url, target];
    // Two at a time, each row after the one two before it: each is a process with a verifier of its own, and
    // the suite runs other files beside this one.
    const lanes: Promise<unknown>[] = [Promise.resolve(), Promise.resolve()];
    ROWS.forEach((row, index) => {
      const run = (lanes[index % lanes.length] as Promise<unknown>).then(() =>
        runRow(row, join(scratch, `row-${index}`), url, running),
      );
      lanes[index % lanes.length] = run;
      ended.set(row, run);
    });
  });
  after(async () => {
    await Promise.all(ended.values());
    await Promise.all([broker?.close(), target?.close()]);
    rmSync(scratch, { recursive: true, force: true });
  });

  for (const row of ROWS) {
    it(`${row.label}: exit ${row.exit}, every report written, complete false`, async () => {
      const { code, signal, stdout, stderr } = (await ended.get(row)) as Ended;
      const said = `${stdout}${stderr}`;
      if (row.stop) {
        expect(
          stdout.split('\n').some((line) => line.startsWith(row.stop?.line ?? '')),
          said,
        ).to.equal(true);
      }
      expect([code, signal], said).to.deep.equal([row.exit, null]);
      expect(stderr, 'one result, one writer').not.to.match(/internal error/);
      expect(stdout).not.to.match(/^Conformance PASS/m);
      const dir = join(scratch, `row-${ROWS.indexOf(row)}`);
      for (const file of Object.values(REPORT_FILES))
        expect(existsSync(join(dir, file)), file).to.equal(true);
      const result = JSON.parse(readFileSync(join(dir, REPORT_FILES.json), 'utf8')) as ConformanceResult;
      expect([result.complete, result.verdict]).to.deep.equal([false, 'fail']);
      expect(result.incompleteReason).to.match(row.reason);
      row.also?.(result);
    });
  }
});
