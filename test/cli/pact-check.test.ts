import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { COMMANDS } from '../../src/cli/commands.ts';
import { runPactCheck } from '../../src/cli/pact-check.ts';
import { CONTRACT_PATH, CONTRACTS } from '../../src/contract/pact-file.ts';
import { NEWER_SPEC_PATH, repoPath } from '../helpers.ts';

const run = (argv: string[]) => {
  let stdout = '';
  let stderr = '';
  const code = runPactCheck(argv, {
    stdout: (text) => {
      stdout += text;
    },
    stderr: (text) => {
      stderr += text;
    },
  });
  return { code, stdout, stderr };
};

const scratch = mkdtempSync(join(tmpdir(), 'pact-check-cli-'));
after(() => rmSync(scratch, { recursive: true, force: true }));
const file = (name: string, content: string) => {
  const path = join(scratch, name);
  writeFileSync(path, content);
  return path;
};
const fixture = (name: string) => repoPath(`test/fixtures/pacts/${name}.json`);

describe('pact-check FILE... [--spec FILE] [--json]', () => {
  it('is a command of the bin', () => {
    expect(COMMANDS).to.have.property('pact-check');
  });

  it('exit 0: every pact compatible; a line per pact, its warnings under it', () => {
    const { code, stdout, stderr } = run([CONTRACT_PATH, fixture('pact-jvm-v2-user-key')]);
    expect(code, stderr).to.equal(0);
    const lines = stdout.trimEnd().split('\n');
    expect(lines[0]).to.equal('against schemas/openapi.yaml');
    expect(lines[1]).to.match(
      /project-api-key-client-openai-admin-api\.json: compatible, 2 warnings \(Pact 4\.0, 4 HTTP interactions\)$/,
    );
    expect(lines.slice(2, 4).every((line) => line.startsWith('  warning /interactions/'))).to.equal(true);
    expect(lines[4]).to.match(
      /pact-jvm-v2-user-key\.json: compatible \(Pact 2\.0\.0, pact-jvm, 1 HTTP interaction\)$/,
    );
  });

  it('exit 1: one pact not compatible, its errors with pointers into the pact', () => {
    const { code, stdout } = run([CONTRACT_PATH, fixture('pact-js-v2-regex-no-enum-value')]);
    expect(code).to.equal(1);
    expect(stdout).to.match(
      /pact-js-v2-regex-no-enum-value\.json: not compatible, 2 errors \(Pact 2\.0\.0, 1 HTTP interaction\)/,
    );
    expect(stdout).to.include(
      '  error   /interactions/0/response/matchingRules/$.body.owner.user.role  "a request for an admin\'s key": the rule "$.body.owner.user.role": the regex "^(admin|reader)$" matches none of the values the document allows at /owner/user/role: "owner", "member"',
    );
  });

  it('--spec takes another document; --json prints the verdicts as data', () => {
    const { code, stdout } = run([CONTRACTS.current.path, '--spec', NEWER_SPEC_PATH, '--json']);
    expect(code).to.equal(0);
    const report = JSON.parse(stdout);
    expect(report.spec).to.equal('schemas/openai-openapi-f85dbe2.yaml');
    expect(report.pacts).to.have.length(1);
    // Four retrieves and the list: the list interaction's page is as today's document describes it.
    expect(report.pacts[0]).to.include({ ok: true, specification: '4.0', interactions: 5 });
    expect(report.pacts[0].findings.map((f: { keyword: string }) => f.keyword)).to.deep.equal([
      'status',
      'status',
    ]);
  });

  it('pact text is shown as one visible line: a hostile description cannot start a line or a CI command', () => {
    const pact = JSON.parse(readFileSync(fixture('pact-jvm-v3-wrong-path'), 'utf8'));
    pact.interactions[0].description = 'x\n::error::forged\u001b[2J';
    const { stdout } = run([file('hostile.json', JSON.stringify(pact))]);
    expect(stdout).not.to.match(/^::/m);
    expect(stdout).not.to.include('\u001b');
    expect(stdout).to.include('x \\u003a:error::forged\\u001b[2J');
  });

  describe('exit 2 with one line on stderr, nothing on stdout', () => {
    const cases: [description: string, argv: () => string[], message: RegExp][] = [
      ['no file', () => [], /^pact-check: name at least one pact file \(see --help\)$/],
      ['an unknown flag', () => ['--strict', CONTRACT_PATH], /^pact-check: Unknown option '--strict'$/],
      [
        'a file that does not exist',
        () => ['/nonexistent/pact.json'],
        /^pact-check: cannot use pact \/nonexistent\/pact\.json: no such file$/,
      ],
      [
        'a file that is not JSON',
        () => [repoPath('README.md')],
        /^pact-check: cannot use pact .*README\.md: not a pact file \(/,
      ],
      [
        'JSON that is not a pact',
        () => [repoPath('package.json')],
        /not a pact file \(no interactions array\)$/,
      ],
      [
        'a pact with no interactions',
        () => [file('empty.json', '{"interactions":[]}')],
        /it has no interactions: nothing to verify$/,
      ],
      [
        'a message pact',
        () => [file('messages.json', '{"interactions":[{"type":"Asynchronous/Messages"}]}')],
        /it has no HTTP interaction: nothing to check$/,
      ],
      [
        'a good pact beside a bad one: nothing is judged',
        () => [CONTRACT_PATH, repoPath('README.md')],
        /README\.md: not a pact file/,
      ],
      [
        'a document that cannot be read',
        () => [CONTRACT_PATH, '--spec', '/nonexistent/spec.yaml'],
        /^pact-check: cannot read the OpenAPI document \/nonexistent\/spec\.yaml: no such file$/,
      ],
    ];
    for (const [description, argv, message] of cases) {
      it(description, () => {
        const { code, stdout, stderr } = run(argv());
        expect(code).to.equal(2);
        expect(stdout).to.equal('');
        expect(stderr.trimEnd().split('\n')).to.have.length(1);
        expect(stderr.trimEnd()).to.match(message);
      });
    }
  });
});
