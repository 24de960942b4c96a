import { spawn } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { closeSync, mkdtempSync, openSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { runConformanceCli } from '../../src/cli/conformance.ts';
import { runDriftCli } from '../../src/cli/drift.ts';
import { runPactCheck } from '../../src/cli/pact-check.ts';
import { runSpecLint } from '../../src/cli/spec-lint.ts';
import { runValidate } from '../../src/cli/validate.ts';
import { DEFAULT_SPEC_PATH } from '../../src/openapi/default-path.ts';
import { repoPath } from '../helpers.ts';

// Every file a command reads (a document, a pact, a body) is read no further than 32 MiB: a device that
// never ends (/dev/zero) or a file of gigabytes is one exit-2 line, read only as far as the cap, not a hang
// or a heap filled. A 40 MiB sparse file stands for the large one: it takes no disk.

const scratch = mkdtempSync(join(tmpdir(), 'input-files-'));
after(() => rmSync(scratch, { recursive: true, force: true }));
const large = join(scratch, 'large.json');
closeSync(openSync(large, 'w'));
truncateSync(large, 40 * 1024 * 1024);
const report = join(scratch, 'reports');

type Runner = (argv: string[], io: { stdout: (t: string) => void; stderr: (t: string) => void }) => unknown;
const COMMANDS: Record<string, Runner> = {
  conformance: (argv, io) => runConformanceCli(argv, { env: {}, io, signals: new EventEmitter() }),
  drift: (argv, io) => runDriftCli(argv, io),
  'pact-check': (argv, io) => runPactCheck(argv, io),
  'spec-lint': (argv, io) => runSpecLint(argv, io),
  validate: (argv, io) => runValidate(argv, io),
};

const runIn = async (command: string, argv: string[]) => {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const io = { stdout: (t: string) => stdout.push(t), stderr: (t: string) => stderr.push(t) };
  const code = await (COMMANDS[command] as Runner)(argv, io);
  return { code, stdout: stdout.join(''), stderr: stderr.join('') };
};

describe('files the commands read are read no further than 32 MiB', function () {
  this.timeout(60_000);
  const rows: [
    label: string,
    command: string,
    argv: (file: string) => string[],
    line: (file: string) => string,
  ][] = [
    [
      'conformance --pact',
      'conformance',
      (file) => ['--pact', file, '--report-dir', report],
      (file) => `cannot use pact ${file}: it is larger than 32 MiB`,
    ],
    [
      'conformance --spec',
      'conformance',
      (file) => ['--spec', file, '--report-dir', report],
      (file) => `cannot use OpenAPI document ${file}: it is larger than 32 MiB`,
    ],
    [
      'conformance --also-spec',
      'conformance',
      (file) => ['--also-spec', file, '--report-dir', report],
      (file) => `cannot use OpenAPI document ${file}: it is larger than 32 MiB`,
    ],
    [
      'drift --to',
      'drift',
      (file) => ['--from', DEFAULT_SPEC_PATH, '--to', file],
      (file) => `cannot use OpenAPI document ${file}: it is larger than 32 MiB`,
    ],
    [
      'spec-lint --spec',
      'spec-lint',
      (file) => ['--spec', file],
      (file) => `cannot use OpenAPI document ${file}: it is larger than 32 MiB`,
    ],
    [
      'pact-check',
      'pact-check',
      (file) => [file],
      (file) => `cannot use pact ${file}: it is larger than 32 MiB`,
    ],
    [
      'validate, a body',
      'validate',
      (file) => ['--schema', 'ProjectApiKey', file],
      (file) => `cannot read ${file}: it is larger than 32 MiB`,
    ],
  ];
  for (const [label, command, argv, line] of rows) {
    for (const file of ['/dev/zero', large]) {
      it(`${label}: ${file === large ? 'a 40 MiB file' : file}, exit 2, one line`, async () => {
        const { code, stderr } = await runIn(command, argv(file));
        expect(code).to.equal(2);
        expect(stderr).to.equal(`${command}: ${line(file)}\n`);
      });
    }
  }

  it('validate -, its standard input /dev/zero, as a process: exit 2, one line', async () => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', repoPath('src/cli/validate.ts'), '--schema', 'ProjectApiKey', '-'],
      { stdio: [openSync('/dev/zero', 'r'), 'ignore', 'pipe'] },
    );
    const stderr: string[] = [];
    child.stderr?.on('data', (chunk) => stderr.push(String(chunk)));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(code).to.equal(2);
    expect(stderr.join('')).to.equal('validate: cannot read -: it is larger than 32 MiB\n');
  });

  it('a file within the cap is read whole, as before', async () => {
    const body = join(scratch, 'key.json');
    writeFileSync(
      body,
      JSON.stringify({ object: 'organization.project.api_key', padding: 'x'.repeat(1 << 20) }),
    );
    const { code, stdout } = await runIn('validate', ['--schema', 'ProjectApiKey', body]);
    expect(code).to.equal(1);
    expect(stdout).to.contain('required property "id" is missing');
  });
});
