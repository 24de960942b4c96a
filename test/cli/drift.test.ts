import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { stringify } from 'yaml';
import { runDriftCli } from '../../src/cli/drift.ts';
import { CHANGE_KINDS } from '../../src/drift/rules.ts';
import { DEFAULT_SPEC_PATH } from '../../src/openapi/default-path.ts';
import { documentWith, fanOut, OPERATION } from '../drift/documents.ts';
import { NEWER_SPEC_PATH } from '../helpers.ts';

const run = (argv: string[]) => {
  let stdout = '';
  let stderr = '';
  const code = runDriftCli(argv, {
    stdout: (text) => {
      stdout += text;
    },
    stderr: (text) => {
      stderr += text;
    },
  });
  return { code, stdout, stderr };
};

const scratch = mkdtempSync(join(tmpdir(), 'drift-cli-'));
after(() => rmSync(scratch, { recursive: true, force: true }));
const file = (name: string, content: string) => {
  const path = join(scratch, name);
  writeFileSync(path, content);
  return path;
};

describe('npm run drift', () => {
  const SEED_TO_NEWER = ['--from', DEFAULT_SPEC_PATH, '--to', NEWER_SPEC_PATH];

  it("seed → today's document: exit 1, a table grouped by who breaks", () => {
    const { code, stdout, stderr } = run(SEED_TO_NEWER);
    expect(code).to.equal(1);
    expect(stderr).to.equal('');
    expect(stdout.split('\n').filter((line) => /^Breaks /.test(line))).to.deep.equal([
      'Breaks consumers (6)',
      'Breaks providers (4)',
      'Breaks no one (3)',
    ]);
    expect(stdout).to.match(
      /^ {2}required-added {5}\/last_used_at {4,}new required property \/last_used_at/m,
    );
  });

  it('--json: { from, to, changes }, each change with the fields the issue names', () => {
    const { code, stdout } = run([...SEED_TO_NEWER, '--json']);
    expect(code).to.equal(1);
    const report = JSON.parse(stdout);
    expect(Object.keys(report)).to.deep.equal(['from', 'to', 'changes']);
    expect(report.from).to.include({
      path: DEFAULT_SPEC_PATH,
      openapi: '3.0.0',
      operation: 'GET /organization/projects/{project_id}/api_keys/{key_id}',
    });
    expect(report.to).to.include({
      openapi: '3.1.0',
      operation: 'GET /organization/projects/{project_id}/api_keys/{api_key_id}',
    });
    expect(report.to.sha256).to.match(/^[0-9a-f]{64}$/);
    expect(report.changes).to.have.length(13);
    for (const change of report.changes) {
      expect(Object.keys(change)).to.deep.equal([
        'kind',
        'pointer',
        'from',
        'to',
        'breaksConsumers',
        'breaksProviders',
        'keyword',
        'message',
      ]);
      expect(CHANGE_KINDS).to.include(change.kind);
    }
    expect(
      report.changes.find((c: { pointer: string }) => c.pointer === '/owner/user/added_at'),
    ).to.deep.include({
      kind: 'property-removed',
      from: 'integer',
      to: null,
      breaksConsumers: true,
      breaksProviders: false,
    });
  });

  it('exit 0 when the changes break no one (a renamed parameter, a format)', () => {
    const from = file(
      'a.yaml',
      stringify(documentWith({ body: { type: 'object', properties: { at: { type: 'integer' } } } })),
    );
    const to = file(
      'b.yaml',
      stringify(
        documentWith({
          openapi: '3.1.0',
          path: '/things/{id}',
          body: { type: 'object', properties: { at: { type: 'integer', format: 'unixtime' } } },
        }),
      ),
    );
    const { code, stdout } = run([
      '--from',
      from,
      '--to',
      to,
      '--operation',
      'GET:/things/{thing_id}',
      '--json',
    ]);
    expect(code).to.equal(0);
    expect(JSON.parse(stdout).changes.map((c: { kind: string }) => c.kind)).to.deep.equal([
      'parameter-renamed',
      'format-changed',
    ]);
  });

  it("a maxLength and a pattern added to name, and more: exit 1, each in its group (issue 18's probe)", () => {
    const body = (properties: Record<string, unknown>) => ({ type: 'object', properties });
    const from = file(
      'before.yaml',
      stringify(
        documentWith({
          body: body({
            name: { type: 'string' },
            role: { type: 'string', enum: ['owner', 'member'] },
            code: { type: 'string', pattern: '^[A-Z]+$' },
            limit: { type: 'integer', default: 20 },
          }),
        }),
      ),
    );
    const to = file(
      'after.yaml',
      stringify(
        documentWith({
          body: body({
            name: { type: 'string', maxLength: 3, pattern: '^[a-z]+$' },
            role: { type: 'string' },
            code: { type: 'string', pattern: '^[A-Z0-9]+$' },
            limit: { type: 'integer', default: 10 },
          }),
          headers: { '200': { 'X-Request-Id': { schema: { type: 'string' } } } },
        }),
      ),
    );
    const { code, stdout, stderr } = run(['--from', from, '--to', to, '--operation', 'GET:/things/{id}']);
    expect(stderr).to.equal('');
    expect(code).to.equal(1);
    const rows = stdout
      .split('\n')
      .filter((line) => /^(Breaks | {2}[a-z]+-[a-z-]+ )/.test(line))
      .map((line) =>
        line
          .trim()
          .split(/\s{2,}/, 2)
          .join(' '),
      );
    expect(rows).to.deep.equal([
      'Breaks consumers and providers (1)',
      'constraint-changed /code',
      'Breaks consumers (1)',
      'enum-removed /role',
      'Breaks providers (2)',
      'constraint-tightened /name',
      'constraint-tightened /name',
      'Breaks no one (2)',
      'property-added /responses/200/headers/X-Request-Id',
      'default-changed /limit',
    ]);
    expect(stdout).to.include('property /name: maxLength none → 3: providers ');
    expect(stdout).to.include('property /name: pattern none → "^[a-z]+$": providers ');
    expect(stdout.trimEnd().split('\n').at(-1)).to.equal('6 changes: 2 break consumers, 3 break providers.');
  });

  it('exit 0 and says so for a document against itself', () => {
    const { code, stdout } = run(['--from', NEWER_SPEC_PATH, '--to', NEWER_SPEC_PATH]);
    expect(code).to.equal(0);
    expect(stdout).to.include('No change to the operation.');
  });

  it('--help: usage on stdout, exit 0', () => {
    const { code, stdout } = run(['--help']);
    expect(code).to.equal(0);
    expect(stdout).to.match(/^usage: npm run drift -- --from FILE --to FILE/);
  });

  describe('bad usage: exit 2, one line on stderr, no stack trace', () => {
    const notOpenApi = file('not-openapi.yaml', 'hello: world\n');
    const brokenRef = file(
      'broken-ref.yaml',
      stringify(documentWith({ body: { $ref: '#/components/schemas/Gone' } })),
    );
    const cases: [string, string[], RegExp][] = [
      ['no --to', ['--from', DEFAULT_SPEC_PATH], /--from and --to are required/],
      ['an unknown flag', [...SEED_TO_NEWER, '--verbose'], /--verbose/],
      [
        'a missing file',
        ['--from', join(scratch, 'none.yaml'), '--to', NEWER_SPEC_PATH],
        /cannot read the OpenAPI document .*none\.yaml: no such file/,
      ],
      [
        'a file that is not OpenAPI',
        ['--from', notOpenApi, '--to', NEWER_SPEC_PATH],
        /no "openapi" version field/,
      ],
      [
        'an operation the documents lack',
        [...SEED_TO_NEWER, '--operation', 'POST:/organization/projects/{id}'],
        /has no operation POST \/organization\/projects\/\{id\}/,
      ],
      [
        'an operation that is not METHOD:/path',
        [...SEED_TO_NEWER, '--operation', 'retrieve'],
        /METHOD:\/path/,
      ],
      [
        'a $ref that leads nowhere',
        ['--from', brokenRef, '--to', brokenRef, '--operation', 'GET:/things/{id}'],
        /Can't resolve \$ref "#\/components\/schemas\/Gone" at \/paths\/.*\/schema\/\$ref: the document has nothing there/,
      ],
    ];
    for (const [label, argv, message] of cases) {
      it(label, () => {
        const { code, stdout, stderr } = run(argv);
        expect(code).to.equal(2);
        expect(stdout).to.equal('');
        expect(stderr)
          .to.match(/^drift: /)
          .and.match(message);
        expect(stderr.trim().split('\n')).to.have.length(1);
        expect(stderr).not.to.match(/\n\s+at /);
      });
    }
  });

  it('documents whose schemas fan out through shared $refs: nothing changed is exit 0, every path changed is exit 2 in one line', () => {
    const from = file('fan-from.yaml', stringify(fanOut(30, 'properties')));
    const same = file('fan-same.yaml', stringify(fanOut(30, 'properties')));
    const changed = file(
      'fan-to.yaml',
      stringify(fanOut(30, 'properties', { type: 'string', maxLength: 3 })),
    );
    expect(run(['--from', from, '--to', same, '--operation', OPERATION])).to.include({ code: 0, stderr: '' });
    const { code, stdout, stderr } = run(['--from', from, '--to', changed, '--operation', OPERATION]);
    expect(code).to.equal(2);
    expect(stdout).to.equal('');
    expect(stderr).to.match(
      /^drift: the schemas fan out past 100000 comparisons \(the same \$refs at every level\?\): drift stopped at property \/[ab/]+\n$/,
    );
  });
});
