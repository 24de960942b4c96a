import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { runValidate } from '../../src/cli/validate.ts';
import { sampleOfComponent } from '../../src/openapi/sample.ts';
import { drop, edited, repoPath, seed } from '../helpers.ts';

const dir = mkdtempSync(join(tmpdir(), 'validate-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, content: unknown) => {
  const path = join(dir, name);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
};
const run = (args: string[], stdin = '') => {
  const out: string[] = [];
  const err: string[] = [];
  const code = runValidate(args, { stdout: (t) => out.push(t), stderr: (t) => err.push(t) }, () => stdin);
  return { code, stdout: out.join(''), stderr: err.join('') };
};

const good = sampleOfComponent('ProjectApiKey', seed.document);
const noAddedAt = edited(good, ['/owner/user/added_at', drop]);
const extra = edited(good, ['/last_used_at', 1]);

describe('npm run validate', () => {
  const cases: {
    description: string;
    args: string[];
    stdin?: string;
    code: number;
    stdout?: RegExp;
    stderr?: RegExp;
  }[] = [
    {
      description: 'a valid body',
      args: ['--schema', 'ProjectApiKey', file('good.json', good)],
      code: 0,
      stdout: /valid/,
    },
    {
      description: 'an invalid body lists pointer and message',
      args: ['--schema', 'ProjectApiKey', file('bad.json', noAddedAt)],
      code: 1,
      stdout: /\/owner\/user\/added_at\s+required property "added_at" is missing/,
    },
    {
      description: 'stdin with -',
      args: ['--schema', 'ProjectUser', '-'],
      stdin: '{}',
      code: 1,
      stdout: /\/added_at/,
    },
    {
      description: 'undeclared property: a warning',
      args: ['--schema', 'ProjectApiKey', file('x.json', extra)],
      code: 0,
      stdout: /warning\s+\/last_used_at/,
    },
    {
      description: 'undeclared property with --strict: an error',
      args: ['--strict', '--schema', 'ProjectApiKey', file('x.json', extra)],
      code: 1,
      stdout: /error\s+\/last_used_at/,
    },
    {
      description: 'unknown schema',
      args: ['--schema', 'Nope', file('good.json', good)],
      code: 2,
      stderr: /unknown schema "Nope"/,
    },
    {
      description: 'unreadable file',
      args: ['--schema', 'ProjectApiKey', join(dir, 'missing.json')],
      code: 2,
      stderr: /cannot read .*missing\.json: no such file$/m,
    },
    {
      description: 'unknown flag',
      args: ['--bogus', '--schema', 'ProjectApiKey', '-'],
      code: 2,
      stderr: /--bogus/,
    },
    { description: 'no --schema', args: ['-'], code: 2, stderr: /--schema is required/ },
    {
      description: 'a body with a key twice, naming it',
      args: [
        '--schema',
        'ProjectApiKey',
        file('twice.json', `{"id":"key_other",${JSON.stringify(good).slice(1)}`),
      ],
      code: 1,
      stdout: /error\s+\/id\s+key "id" appears twice in one object/,
    },
    {
      description: 'a body that is not JSON',
      args: ['--schema', 'ProjectApiKey', file('html.json', '<html>')],
      code: 2,
      stderr: /not JSON/,
    },
    {
      description: 'an unreadable spec',
      args: ['--spec', join(dir, 'nope.yaml'), '--schema', 'ProjectApiKey', '-'],
      code: 2,
      stderr: /cannot read the OpenAPI document .*nope\.yaml: no such file$/m,
    },
  ];
  for (const { description, args, stdin, code, stdout, stderr } of cases) {
    it(`exits ${code} for ${description}`, () => {
      const result = run(args, stdin);
      expect(result.code, result.stderr).to.equal(code);
      if (stdout) expect(result.stdout).to.match(stdout);
      if (stderr) {
        expect(result.stderr).to.match(stderr);
        expect(result.stderr.trim().split('\n')).to.have.length(1);
      }
    });
  }

  it('--json prints { valid, findings } with pointers', () => {
    const result = run(['--json', '--schema', 'ProjectApiKey', file('bad.json', noAddedAt)]);
    const parsed = JSON.parse(result.stdout);
    expect(parsed.valid).to.equal(false);
    expect(parsed.findings).to.deep.include({
      pointer: '/owner/user/added_at',
      keyword: 'required',
      message: 'required property "added_at" is missing',
      severity: 'error',
    });
  });

  it('as a process: exit code 2 and one line, no stack trace', () => {
    const child = spawnSync(
      process.execPath,
      ['--import', 'tsx', repoPath('src/cli/validate.ts'), '--schema', 'Nope', '-'],
      {
        input: '{}',
        encoding: 'utf8',
      },
    );
    expect(child.status).to.equal(2);
    expect(child.stderr.trim().split('\n')).to.have.length(1);
    expect(child.stderr).not.to.match(/\n\s+at /);
  });
});
