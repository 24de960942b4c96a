import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { runConformanceCli } from '../../src/cli/conformance.ts';
import { NO_KEY_BODY_REASON } from '../../src/conformance/verdict.ts';
import { CONTRACT_PATH } from '../../src/contract/pact-file.ts';
import {
  conformanceFlags,
  type RunningReferenceProvider,
  startReferenceProvider,
} from '../../src/provider/index.ts';
import type { ConformanceResult } from '../../src/report/conformance-result.ts';
import { REPORT_FILES } from '../../src/report/files.ts';
import { repoPath } from '../helpers.ts';

const canary = `sk-admin-canary${randomBytes(18).toString('hex')}`;
const scratch = mkdtempSync(join(tmpdir(), 'conformance-cli-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

const run = async (argv: string[], env: NodeJS.ProcessEnv = {}) => {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const code = await runConformanceCli(argv, {
    env,
    io: { stdout: (t) => stdout.push(t), stderr: (t) => stderr.push(t) },
    signals: new EventEmitter(),
  });
  return { code, stdout: stdout.join(''), stderr: stderr.join('') };
};

const readResult = (dir: string) =>
  JSON.parse(readFileSync(join(dir, REPORT_FILES.json), 'utf8')) as ConformanceResult;

describe('npm run conformance', function () {
  this.timeout(30_000);

  describe('bad usage or configuration: exit 2, one line, no stack trace, no key', () => {
    const notJson = join(scratch, 'not-a-pact.json');
    writeFileSync(notJson, '<html>');
    const notObjects = join(scratch, 'not-objects.json');
    writeFileSync(notObjects, '{"interactions": [1, null]}');
    const empty = join(scratch, 'empty.json');
    writeFileSync(empty, '{"interactions": []}');
    const cases: [string, string[], NodeJS.ProcessEnv, RegExp][] = [
      ['a base URL without OPENAI_ADMIN_KEY', ['--base-url', 'http://127.0.0.1:9'], {}, /OPENAI_ADMIN_KEY/],
      ['a bad URL', ['--base-url', 'http//nope'], { OPENAI_ADMIN_KEY: canary }, /--base-url/],
      ['an unknown flag', ['--verbose'], {}, /--verbose/],
      [
        'a spec that is not there',
        ['--spec', join(scratch, 'none.yaml')],
        {},
        /^conformance: cannot read the OpenAPI document .*none\.yaml: no such file$/m,
      ],
      [
        'a pact that is not there',
        ['--pact', join(scratch, 'none.json')],
        {},
        /cannot use pact .*: no such file/,
      ],
      ['a pact that is not JSON', ['--pact', notJson], {}, /cannot use pact .*not a pact file/],
      [
        'a pact whose interactions are not objects',
        ['--pact', notObjects],
        {},
        /interaction 0 is 1, not an object/,
      ],
      ['a pact with no interactions', ['--pact', empty], {}, /no interactions: nothing to verify/],
      ['a second pact that is bad', ['--pact', CONTRACT_PATH, '--pact', empty], {}, /empty\.json/],
    ];
    for (const [label, argv, env, message] of cases) {
      it(label, async () => {
        const result = await run(argv, env);
        expect(result.code).to.equal(2);
        expect(result.stderr).to.match(message);
        expect(result.stderr.trim().split('\n')).to.have.length(1);
        expect(result.stderr).not.to.match(/\n\s+at /);
        expect(result.stdout + result.stderr).not.to.contain(canary);
      });
    }
  });

  describe('bad configuration: exit 2 before any request reaches the target', () => {
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

    const file = join(scratch, 'a-file');
    writeFileSync(file, 'not a dir');
    const ids = ['--project-id', 'proj_abc', '--user-key-id', 'key_abc'];
    const cases: [string, string[], NodeJS.ProcessEnv, RegExp][] = [
      ['a timeout no timer can hold', ['--timeout', '715787883'], {}, /--timeout must be/],
      ['a hundred thousand retries', ['--retries', '100000'], {}, /--retries must be/],
      [
        'an admin key ending in a newline',
        [],
        { OPENAI_ADMIN_KEY: `${canary}\n` },
        /OPENAI_ADMIN_KEY contains a line break/,
      ],
      ['an admin key with a non-ASCII character', [], { OPENAI_ADMIN_KEY: `${canary}é` }, /non-ASCII/],
      ['a key id of ".."', ['--user-key-id', '..'], {}, /--user-key-id is "\.\."/],
      ['a project id with a control character', ['--project-id', 'proj_\u0007'], {}, /control character/],
      ['a report dir that is a file', ['--report-dir', file], {}, /--report-dir .*a-file: it is a file/],
      [
        'a report dir under /proc',
        ['--report-dir', '/proc/self/reports'],
        {},
        /--report-dir \/proc\/self\/reports: it is under \/proc/,
      ],
    ];
    for (const [label, argv, env, message] of cases) {
      it(label, async () => {
        const before = requests;
        const dir = join(scratch, `bad-${label.replaceAll(' ', '-')}`);
        const result = await run(['--base-url', baseUrl, ...ids, '--report-dir', dir, ...argv], {
          OPENAI_ADMIN_KEY: canary,
          ...env,
        });
        expect(result.code, result.stderr).to.equal(2);
        expect(result.stderr).to.match(message);
        expect(result.stderr.trim().split('\n')).to.have.length(1);
        expect(result.stdout + result.stderr).not.to.contain(canary);
        expect(requests - before, 'requests the target received').to.equal(0);
      });
    }
  });

  it('two runs with different report dirs at the same time both finish with all their reports', async () => {
    const dirs = [join(scratch, 'one'), join(scratch, 'two')];
    const results = await Promise.all(dirs.map((dir) => run(['--report-dir', dir])));
    for (const [index, dir] of dirs.entries()) {
      expect(results[index]?.code, results[index]?.stderr).to.equal(0);
      for (const file of Object.values(REPORT_FILES))
        expect(existsSync(join(dir, file)), file).to.equal(true);
      expect(readResult(dir).verdict).to.equal('pass');
    }
  });

  it('skips, with the reason, the states whose ids are not given, never passing them', async () => {
    const provider = await startReferenceProvider({ adminKey: canary });
    // No service account's key to discover either: its state has no id from the flags or the list.
    provider.store.removeKey(provider.seed.projectId, provider.seed.serviceAccountKeyId);
    const dir = join(scratch, 'skips');
    try {
      const result = await run(
        [
          '--base-url',
          provider.url,
          '--project-id',
          provider.seed.projectId,
          '--user-key-id',
          provider.seed.userKeyId,
          '--report-dir',
          dir,
        ],
        { OPENAI_ADMIN_KEY: canary },
      );
      expect(result.code, result.stderr).to.equal(0);
    } finally {
      await provider.close();
    }
    const skipped = readResult(dir).checks.filter((c) => c.status === 'skip');
    expect(skipped.map((c) => c.category)).to.have.members(['pact', 'transport']);
    for (const check of skipped) expect(check.skipReason, check.name).to.match(/--service-account-key-id/);
  });

  // Only --project-id: the key ids are discovered from the project's list, so a wrong enum is seen.
  for (const [fault, category] of [
    ['wrong-enum', 'schema'],
    ['unredacted-key', 'security'],
  ] as const) {
    it(`with --project-id alone, discovers the keys and fails a ${fault} provider on ${category}`, async () => {
      const provider = await startReferenceProvider({ adminKey: canary, fault });
      const dir = join(scratch, `no-key-${fault}`);
      try {
        const result = await run(
          ['--base-url', provider.url, '--project-id', provider.seed.projectId, '--report-dir', dir],
          { OPENAI_ADMIN_KEY: canary },
        );
        expect(result.code).to.equal(1);
        expect(result.stdout).to.include(`discovered key owned by a user: ${provider.seed.userKeyId}`);
      } finally {
        await provider.close();
      }
      const report = readResult(dir);
      expect(report.incompleteReason).to.equal(undefined);
      expect(report.projectKeys?.ids.map((record) => record.source)).to.deep.equal(['list', 'list']);
      const failing = report.checks.filter((c) => c.status === 'fail').map((c) => c.category);
      expect(failing).to.include(category);
    });
  }

  it('fails, saying why, when no id is given and so nothing about the target could be checked', async () => {
    const provider = await startReferenceProvider({ adminKey: canary });
    const dir = join(scratch, 'no-ids');
    try {
      const result = await run(['--base-url', provider.url, '--report-dir', dir], {
        OPENAI_ADMIN_KEY: canary,
      });
      expect(result.code).to.equal(1);
    } finally {
      await provider.close();
    }
    const report = readResult(dir);
    expect(report.verdict).to.equal('fail');
    expect(report.summary.failed).to.equal(0);
    expect(report.incompleteReason).to.equal(NO_KEY_BODY_REASON);
  });

  it('stops at --max-time: says the worst case up front, shows the request in flight, writes incomplete reports, exits 1', async () => {
    // 5 s, not less: on a loaded CI machine the verifier may take over 2 s to send its first request.
    const provider = await startReferenceProvider({ adminKey: canary, fault: 'hang' });
    const dir = join(scratch, 'deadline');
    let result: Awaited<ReturnType<typeof run>>;
    try {
      result = await run(
        [...conformanceFlags(provider), '--report-dir', dir, '--timeout', '60000', '--max-time', '5000'],
        { OPENAI_ADMIN_KEY: canary },
      );
    } finally {
      await provider.close();
    }
    expect(result.code).to.equal(1);
    const lines = result.stdout.split('\n');
    const worst = lines.findIndex((l) => l.startsWith('worst case '));
    const request = lines.findIndex((l) => / GET http:\/\/127\.0\.0\.1:\d+\/organization\//.test(l));
    expect(worst, result.stdout).to.be.greaterThan(-1);
    expect(request, result.stdout).to.be.greaterThan(worst);
    expect(lines[worst]).to.match(/--max-time stops the run at 5 s/);
    expect(result.stderr)
      .to.match(/--max-time 5000 ms reached/)
      .and.not.to.match(/internal error/);
    const report = readResult(dir);
    expect([report.complete, report.verdict]).to.deep.equal([false, 'fail']);
    expect(report.incompleteReason).to.equal('stopped at --max-time 5000 ms before every check had run');
  });

  it('on SIGTERM writes what it gathered, marked incomplete, and exits 143', async () => {
    const provider = await startReferenceProvider({ adminKey: canary, fault: 'hang' });
    const dir = join(scratch, 'terminated');
    const signals = new EventEmitter();
    const stdout: string[] = [];
    const exit = runConformanceCli(
      [
        '--base-url',
        provider.url,
        '--project-id',
        provider.seed.projectId,
        '--report-dir',
        dir,
        '--timeout',
        '60000',
      ],
      {
        env: { OPENAI_ADMIN_KEY: canary },
        io: { stdout: (t) => stdout.push(t), stderr: (t) => stdout.push(t) },
        signals,
      },
    );
    try {
      // --project-id alone: the run first lists the project's keys, and the hanging target holds it there.
      while (!stdout.join('').includes('discovering key ids')) await new Promise((r) => setTimeout(r, 20));
      signals.emit('SIGTERM');
      expect(await exit).to.equal(143);
    } finally {
      await provider.close();
    }
    const result = readResult(dir);
    expect([result.complete, result.incompleteReason, result.verdict]).to.deep.equal([
      false,
      'interrupted by SIGTERM',
      'fail',
    ]);
    expect(stdout.join('')).to.contain('interrupted by SIGTERM').and.not.contain(canary);
    expect(stdout.join(''), 'one result, one writer').not.to.match(/internal error/);
  });

  describe('as a process', () => {
    let provider: RunningReferenceProvider;
    let child: ChildProcess | undefined;
    afterEach(async () => {
      child?.kill('SIGKILL');
      await provider?.close();
    });

    const start = (args: string[]) => {
      child = spawn(process.execPath, ['--import', 'tsx', repoPath('src/cli/conformance.ts'), ...args], {
        env: { ...process.env, OPENAI_ADMIN_KEY: canary, GITHUB_STEP_SUMMARY: '' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      const output: string[] = [];
      child.stdout?.on('data', (chunk) => output.push(String(chunk)));
      child.stderr?.on('data', (chunk) => output.push(String(chunk)));
      const exited = new Promise<number | null>((resolve) => child?.on('exit', (code) => resolve(code)));
      return { output, exited, pid: child.pid as number };
    };
    const targetArgs = (dir: string) => [...conformanceFlags(provider), '--report-dir', dir];

    it('on SIGINT writes what it gathered, marked incomplete, and exits 130', async () => {
      provider = await startReferenceProvider({ adminKey: canary, fault: 'hang' });
      const dir = join(scratch, 'interrupted');
      const { output, exited } = start([...targetArgs(dir), '--timeout', '60000']);
      // Wait until the run is talking to the hanging target, then interrupt it.
      while (!output.join('').includes('verifying')) await new Promise((r) => setTimeout(r, 20));
      child?.kill('SIGINT');
      expect(await exited).to.equal(130);
      const result = readResult(dir);
      expect(result.complete).to.equal(false);
      expect(result.incompleteReason).to.equal('interrupted by SIGINT');
      expect(result.verdict).to.equal('fail');
      expect(output.join('')).not.to.match(/internal error/);
      expect(result.checks.map((c) => c.category)).to.include('contract');
      for (const file of Object.values(REPORT_FILES)) {
        expect(readFileSync(join(dir, file), 'utf8')).not.to.contain(canary);
      }
      expect(output.join('')).not.to.contain(canary);
    });

    it('never loads pact-js (or its native core) to verify, nor js-yaml, ajv or re2js: the static verifier and what the build generated do it', () => {
      const dir = join(scratch, 'modules');
      const code = [
        "import { createRequire } from 'node:module';",
        `const { runConformanceCli } = await import(${JSON.stringify(repoPath('src/cli/conformance.ts'))});`,
        `const code = await runConformanceCli(['--report-dir', ${JSON.stringify(dir)}], { io: { stdout() {}, stderr() {} } });`,
        'const loaded = Object.keys(createRequire(import.meta.url).cache);',
        'const packages = loaded.flatMap((p) => p.match(/node_modules\\/((?:@[^/]+\\/)?[^/]+)/)?.[1] ?? []);',
        "const generated = loaded.filter((p) => p.includes('/src/generated/validators/')).map((p) => p.slice(p.lastIndexOf('/') + 1));",
        'console.log(JSON.stringify({ code, packages: [...new Set(packages)], generated }));',
        'process.exit(0);',
      ].join('\n');
      const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], {
        env: { ...process.env, GITHUB_STEP_SUMMARY: '' },
        encoding: 'utf8',
      });
      const { code: exit, packages, generated } = JSON.parse(child.stdout.trim().split('\n').at(-1) ?? '{}');
      expect(exit, child.stderr).to.equal(0);
      // tsx, this process's loader, is CommonJS: the check does see what was loaded.
      expect(packages, 'the check sees CommonJS packages that were loaded').to.include('tsx');
      expect(packages.filter((p: string) => p.startsWith('@pact-foundation/pact'))).to.deep.equal([]);
      expect(
        packages.filter((p: string) => p.startsWith('ajv') || p === 'js-yaml' || p === 're2js'),
      ).to.deep.equal([]);
      // Of what the build generated, only the seed's validators that name every finding: the quick ones
      // wait for many bodies of one component, today's document for a run on it.
      expect(generated).to.deep.equal(['openapi.full.cjs']);
    });

    it('--sweep on the seed reads the list with today’s generated validators, loading neither ajv nor js-yaml', () => {
      const dir = join(scratch, 'modules-sweep');
      const code = [
        "import { createRequire } from 'node:module';",
        `const { runConformanceCli } = await import(${JSON.stringify(repoPath('src/cli/conformance.ts'))});`,
        `const code = await runConformanceCli(['--sweep', '--probes', '0', '--report-dir', ${JSON.stringify(dir)}], { io: { stdout() {}, stderr() {} } });`,
        'const loaded = Object.keys(createRequire(import.meta.url).cache);',
        'const packages = loaded.flatMap((p) => p.match(/node_modules\\/((?:@[^/]+\\/)?[^/]+)/)?.[1] ?? []);',
        "const generated = loaded.filter((p) => p.includes('/src/generated/validators/')).map((p) => p.slice(p.lastIndexOf('/') + 1));",
        'console.log(JSON.stringify({ code, packages: [...new Set(packages)], generated }));',
        'process.exit(0);',
      ].join('\n');
      const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], {
        env: { ...process.env, GITHUB_STEP_SUMMARY: '' },
        encoding: 'utf8',
      });
      const { code: exit, packages, generated } = JSON.parse(child.stdout.trim().split('\n').at(-1) ?? '{}');
      expect(exit, child.stderr).to.equal(0);
      expect(packages, 'the check sees CommonJS packages that were loaded').to.include('tsx');
      expect(
        packages.filter((p: string) => p.startsWith('ajv') || p === 'js-yaml' || p === 're2js'),
      ).to.deep.equal([]);
      // The seed's validators for the keys, today's for the list's ProjectApiKeyListResponse.
      expect(generated).to.have.members(['openapi.full.cjs', 'openai-openapi-f85dbe2.full.cjs']);
      expect(readResult(dir).projectKeys?.list.document).to.equal('schemas/openai-openapi-f85dbe2.yaml');
    });

    it('keeps its memory well under 500 MB against a 300 MB body', async () => {
      provider = await startReferenceProvider({
        adminKey: canary,
        fault: 'huge-body',
        faultOptions: { hugeBodyBytes: 300 * 1024 * 1024 },
      });
      const dir = join(scratch, 'huge');
      const { exited, pid } = start(targetArgs(dir));
      // VmHWM is the process's peak resident memory; it only grows, so the last reading is the peak so far.
      let peakKb = 0;
      const sampler = setInterval(() => {
        try {
          const status = readFileSync(`/proc/${pid}/status`, 'utf8');
          peakKb = Math.max(peakKb, Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0));
        } catch {
          // the process has exited
        }
      }, 10);
      const code = await exited;
      clearInterval(sampler);
      expect(code).to.equal(1);
      expect(peakKb, 'peak memory was sampled').to.be.greaterThan(0);
      expect(peakKb / 1024, 'peak MB').to.be.lessThan(500);
      const transport = readResult(dir).checks.filter(
        (c) => c.category === 'transport' && c.status === 'fail',
      );
      expect(transport.flatMap((c) => c.findings.map((f) => f.message)).join(' ')).to.match(
        /exceeded \d+ bytes/,
      );
    });
  });
});
