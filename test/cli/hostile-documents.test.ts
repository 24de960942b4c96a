import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { runConformanceCli } from '../../src/cli/conformance.ts';
import { runDriftCli } from '../../src/cli/drift.ts';
import { runSpecLint } from '../../src/cli/spec-lint.ts';
import { runValidate } from '../../src/cli/validate.ts';
import { escapeRegExp } from '../../src/core/regexp.ts';
import { DEFAULT_SPEC_PATH } from '../../src/openapi/default-path.ts';
import {
  conformanceFlags,
  type RunningReferenceProvider,
  startReferenceProvider,
} from '../../src/provider/index.ts';
import type { ConformanceResult } from '../../src/report/conformance-result.ts';
import { REPORT_FILES } from '../../src/report/files.ts';
import { repoPath } from '../helpers.ts';
import {
  CATASTROPHIC_DOCUMENT,
  CATASTROPHIC_PATTERN,
  HOSTILE_DOCUMENTS,
  writeHostileDocuments,
} from '../openapi/hostile-documents.ts';

// Hostile documents through the commands users run: each is exit 2 with one line naming the document
// and the cause, before any request; a pattern that backtracks exponentially neither hangs a run nor
// keeps --max-time or a signal from ending it with the reports written. Exit codes and signals are
// proven with real processes; the full table runs in process, through the same functions.

const canary = `sk-admin-canary${randomBytes(18).toString('hex')}`;
const scratch = mkdtempSync(join(tmpdir(), 'hostile-documents-cli-'));
after(() => rmSync(scratch, { recursive: true, force: true }));
const paths = writeHostileDocuments(scratch);
const pathOf = (name: string): string => paths.get(name) as string;
const messageOf = (name: string): RegExp => HOSTILE_DOCUMENTS.find((d) => d.name === name)?.message as RegExp;
const catastrophic = join(scratch, 'catastrophic.json');
writeFileSync(catastrophic, CATASTROPHIC_DOCUMENT);
const keyBody = join(scratch, 'key.json');
writeFileSync(keyBody, '{}');

type Runner = (argv: string[], io: { stdout: (t: string) => void; stderr: (t: string) => void }) => unknown;
const COMMANDS: Record<string, Runner> = {
  conformance: (argv, io) => runConformanceCli(argv, { env: {}, io, signals: new EventEmitter() }),
  drift: (argv, io) => runDriftCli(argv, io),
  validate: (argv, io) => runValidate(argv, io),
  'spec-lint': (argv, io) => runSpecLint(argv, io),
};

const runIn = async (command: string, argv: string[]) => {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const io = { stdout: (t: string) => stdout.push(t), stderr: (t: string) => stderr.push(t) };
  const code = await (COMMANDS[command] as Runner)(argv, io);
  return { code, stdout: stdout.join(''), stderr: stderr.join('') };
};

/** Asserts `stderr` is the one line a refused document makes: the command, the document, the cause. */
const expectRefusal = (stderr: string, command: string, path: string, message: RegExp): void => {
  expect(stderr.split('\n'), 'one line').to.have.length(2).and.to.have.property('1', '');
  expect(stderr.trimEnd()).to.match(
    new RegExp(`^${command}: cannot use OpenAPI document ${escapeRegExp(path)}: (?:${message.source})`),
  );
};

describe('hostile documents through the commands', function () {
  this.timeout(60_000);

  describe('conformance --spec: exit 2, one line, no request to the target', () => {
    let target: Server;
    let requests = 0;
    let baseUrl = '';
    before(async () => {
      target = createServer((_request, response) => {
        requests += 1;
        response.writeHead(500).end();
      });
      await new Promise<void>((resolve) => target.listen(0, '127.0.0.1', resolve));
      baseUrl = `http://127.0.0.1:${(target.address() as AddressInfo).port}/v1`;
    });
    after(() => new Promise<void>((resolve) => target.close(() => resolve())));

    for (const { name, message } of HOSTILE_DOCUMENTS) {
      it(name, async () => {
        const dir = join(scratch, `spec-${name.replaceAll(/\W+/g, '-')}`);
        const stdout: string[] = [];
        const stderr: string[] = [];
        const code = await runConformanceCli(
          ['--base-url', baseUrl, '--project-id', 'proj_abc', '--user-key-id', 'key_abc'].concat([
            '--spec',
            pathOf(name),
            '--report-dir',
            dir,
          ]),
          {
            env: { OPENAI_ADMIN_KEY: canary },
            io: { stdout: (t) => stdout.push(t), stderr: (t) => stderr.push(t) },
            signals: new EventEmitter(),
          },
        );
        expect(code).to.equal(2);
        expectRefusal(stderr.join(''), 'conformance', pathOf(name), message);
        expect(requests, 'requests to the target').to.equal(0);
      });
    }
  });

  describe('every command that loads a document: exit 2, one line naming it', () => {
    const loadTime = 'a response $ref to /etc/passwd';
    const compileTime = 'a pattern only a backtracking engine runs (lookahead)';
    const reports = join(scratch, 'unused');
    const cases: [label: string, argv: (path: string) => string[], documents: string[]][] = [
      [
        'conformance --also-spec',
        (path) => ['--also-spec', path, '--report-dir', reports],
        [loadTime, compileTime],
      ],
      ['drift --to', (path) => ['--from', DEFAULT_SPEC_PATH, '--to', path], [loadTime]],
      ['drift --from', (path) => ['--from', path, '--to', DEFAULT_SPEC_PATH], [loadTime]],
      [
        'validate --spec',
        (path) => ['--spec', path, '--schema', 'ProjectApiKey', keyBody],
        [loadTime, compileTime],
      ],
      ['spec-lint --spec', (path) => ['--spec', path], [loadTime, compileTime]],
    ];
    for (const [label, argv, documents] of cases) {
      const command = label.split(' ')[0] as string;
      for (const name of documents) {
        const path = pathOf(name);
        it(`${label}: ${name}`, async () => {
          const result = await runIn(command, argv(path));
          expect(result.code).to.equal(2);
          expectRefusal(result.stderr, command, path, messageOf(name));
        });
      }
    }
  });

  describe('as processes: exit 2, one line, no stack trace', () => {
    const rows: [label: string, script: string, argv: string[], name: string][] = [
      ['conformance --spec', 'conformance', ['--spec'], 'a cyclic YAML anchor'],
      ['conformance --spec', 'conformance', ['--spec'], 'a chain of 10,000 $refs'],
      ['conformance --spec', 'conformance', ['--spec'], 'an external $ref to another file'],
      ['conformance --also-spec', 'conformance', ['--also-spec'], 'a 1.6 KB YAML alias bomb in an enum'],
      ['drift --to', 'drift', ['--from', DEFAULT_SPEC_PATH, '--to'], 'a response $ref to /etc/passwd'],
    ];
    // Started together: each row waits for its own.
    const exits = new Map<number, Promise<{ code: number | null; stderr: string; stdout: string }>>();
    before(() => {
      rows.forEach(([, script, argv, name], index) => {
        const dir = join(scratch, `process-${index}`);
        exits.set(
          index,
          runProcess(script, [
            ...argv,
            pathOf(name),
            ...(script === 'conformance' ? ['--report-dir', dir] : []),
          ]),
        );
      });
    });
    rows.forEach(([label, script, , name], index) => {
      it(`${label}: ${name}`, async () => {
        const { code, stderr, stdout } = await (exits.get(index) as Promise<{
          code: number | null;
          stderr: string;
          stdout: string;
        }>);
        expect(code).to.equal(2);
        expectRefusal(stderr, script, pathOf(name), messageOf(name));
        expect(stdout).to.equal('');
        if (script === 'conformance')
          expect(existsSync(join(scratch, `process-${index}`, REPORT_FILES.json))).to.equal(false);
      });
    });
  });

  describe(`a pattern that backtracks exponentially (${CATASTROPHIC_PATTERN}) ends, and so does the run`, () => {
    let provider: RunningReferenceProvider | undefined;
    let hanging: RunningReferenceProvider | undefined;
    const readResult = (dir: string) =>
      JSON.parse(readFileSync(join(dir, REPORT_FILES.json), 'utf8')) as ConformanceResult;
    const keywordsOf = (result: ConformanceResult, category: string) =>
      result.checks.filter((c) => c.category === category).flatMap((c) => c.findings.map((f) => f.keyword));
    // Against the reference provider, or one that never answers (only --max-time or a signal ends that run).
    const rows: {
      label: string;
      hangs: boolean;
      argv: string[];
      interrupt?: { signal: NodeJS.Signals; after: string };
      exit: number;
      reports: (result: ConformanceResult) => void;
    }[] = [
      {
        label:
          '--spec and --also-spec: the pact-vs-spec check, the live checks and the matrix judge every body with it; exit 1',
        hangs: false,
        argv: ['--spec', catastrophic, '--also-spec', catastrophic],
        exit: 1,
        reports: (result) => {
          expect(result.complete).to.equal(true);
          expect(keywordsOf(result, 'contract'), 'contract').to.include('pattern');
          expect(keywordsOf(result, 'schema'), 'schema').to.include('pattern');
          const row = result.specMatrix?.rows.find((r) => !r.verdict);
          expect(row?.spec.path).to.match(/catastrophic\.json$/);
          expect(row?.cells.map((cell) => cell.pointers)).to.deep.equal([
            ['/redacted_value'],
            ['/redacted_value'],
          ]);
        },
      },
      {
        label: '--max-time ends a run on it, reports written, exit 1',
        hangs: true,
        argv: ['--spec', catastrophic, '--also-spec', catastrophic, '--max-time', '3000'],
        exit: 1,
        reports: (result) => {
          expect(result.complete).to.equal(false);
          expect(result.incompleteReason).to.match(/--max-time 3000 ms/);
          expect(keywordsOf(result, 'contract')).to.include('pattern');
        },
      },
      ...(
        [
          ['SIGTERM', 143],
          ['SIGINT', 130],
        ] as const
      ).map(([signal, exit]) => ({
        label: `${signal} ends a run on it, reports written, exit ${exit}`,
        hangs: true,
        argv: ['--spec', catastrophic, '--also-spec', catastrophic],
        interrupt: { signal, after: 'verifying' },
        exit,
        reports: (result: ConformanceResult) => {
          expect(result.complete).to.equal(false);
          expect(result.incompleteReason).to.equal(`interrupted by ${signal}`);
          expect(keywordsOf(result, 'contract')).to.include('pattern');
        },
      })),
    ];
    // Started together: each row waits for its own.
    const runs: Promise<{ code: number | null }>[] = [];
    before(async () => {
      [provider, hanging] = await Promise.all([
        startReferenceProvider({ adminKey: canary }),
        startReferenceProvider({ adminKey: canary, fault: 'hang' }),
      ]);
      rows.forEach(({ hangs, argv, interrupt }, index) => {
        const target = conformanceFlags((hangs ? hanging : provider) as RunningReferenceProvider);
        const flags = [
          ...target,
          ...argv,
          '--timeout',
          '60000',
          '--report-dir',
          join(scratch, `pattern-${index}`),
        ];
        runs.push(runProcess('conformance', flags, interrupt));
      });
    });
    after(async () => {
      await Promise.all([provider?.close(), hanging?.close()]);
    });
    rows.forEach(({ label, exit, reports }, index) => {
      it(label, async () => {
        const { code } = await (runs[index] as Promise<{ code: number | null }>);
        expect(code).to.equal(exit);
        reports(readResult(join(scratch, `pattern-${index}`)));
      });
    });
  });
});

/** Every process started, killed when the tests end however they end. */
const children = new Set<ChildProcess>();
after(() => {
  for (const child of children) child.kill('SIGKILL');
});

/** A command as a process: its exit code and output; `signal` sent once its output shows `after`. */
function runProcess(
  command: string,
  argv: string[],
  interrupt?: { signal: NodeJS.Signals; after: string },
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', repoPath(`src/cli/${command}.ts`), ...argv], {
    env: { ...process.env, OPENAI_ADMIN_KEY: canary, GITHUB_STEP_SUMMARY: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  const stdout: string[] = [];
  const stderr: string[] = [];
  let signalled = false;
  child.stdout.on('data', (chunk) => {
    stdout.push(String(chunk));
    if (interrupt && !signalled && stdout.join('').includes(interrupt.after)) {
      signalled = true;
      child.kill(interrupt.signal);
    }
  });
  child.stderr.on('data', (chunk) => stderr.push(String(chunk)));
  return new Promise((resolve) =>
    child.on('close', (code) => resolve({ code, stdout: stdout.join(''), stderr: stderr.join('') })),
  );
}
