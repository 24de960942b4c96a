import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MatchersV3 } from '@pact-foundation/pact';
import { expect } from 'chai';
import { CONTRACT_PATH } from '../../src/contract/pact-file.ts';
import {
  type CurrentProjectApiKey,
  checkPact,
  documents,
  matchersFor,
  type ProjectApiKey,
  startReferenceProvider,
  validate,
} from '../../src/lib/index.ts';
import { loadDocument } from '../../src/openapi/document.ts';
import { sampleOfComponent } from '../../src/openapi/sample.ts';
import { drop, edited, NEWER_SPEC_PATH, repoPath, seed } from '../helpers.ts';

// The library as a consumer's code calls it: `project-api-key-contract`'s entry points, from src/.
// The package test runs the same calls from the packed tarball in a project of its own (examples/consumer).

const key = sampleOfComponent('ProjectApiKey', seed.document) as ProjectApiKey;
const current = sampleOfComponent(
  'ProjectApiKey',
  loadDocument(NEWER_SPEC_PATH).document,
) as CurrentProjectApiKey;

/** What a call threw, or a failure when it threw nothing. */
const thrown = (call: () => unknown): Error => {
  try {
    call();
  } catch (error) {
    return error as Error;
  }
  return expect.fail('it threw nothing');
};

describe('validate', () => {
  const cases: {
    description: string;
    body: unknown;
    options?: object;
    valid: boolean;
    want?: [string, string][];
  }[] = [
    { description: 'a valid key, parsed', body: key, valid: true, want: [] },
    { description: 'a valid key, as JSON text', body: JSON.stringify(key), valid: true, want: [] },
    {
      description: 'a valid key, as bytes',
      body: new TextEncoder().encode(JSON.stringify(key)),
      valid: true,
      want: [],
    },
    {
      description: 'a key missing a nested required property',
      body: edited(key, ['/owner/user/added_at', drop]),
      valid: false,
      want: [['/owner/user/added_at', 'required']],
    },
    {
      description: 'an enum broken',
      body: edited(key, ['/owner/type', 'robot']),
      valid: false,
      want: [['/owner/type', 'enum']],
    },
    {
      description: 'an undeclared property: a warning, an error when strict',
      body: edited(key, ['/extra', 1]),
      options: { strict: true },
      valid: false,
      want: [['/extra', 'additionalProperties']],
    },
    {
      description: 'a key twice in one object, in JSON text',
      body: `{"id":"a","id":"b"}`,
      valid: false,
      want: [['/id', 'duplicateKey']],
    },
    {
      description: "today's shape against today's document",
      body: current,
      options: { spec: documents.current },
      valid: true,
      want: [],
    },
  ];
  for (const { description, body, options, valid, want } of cases) {
    it(description, () => {
      const result = validate('ProjectApiKey', body, options);
      expect(result.valid).to.equal(valid);
      expect(result.findings.map((f) => [f.pointer, f.keyword])).to.deep.include.members(want ?? []);
      for (const finding of result.findings)
        expect(finding).to.have.keys('pointer', 'message', 'severity', 'keyword');
    });
  }

  it('takes the seed by default and another document by { spec }', () => {
    expect(validate('ProjectApiKey', key).valid).to.equal(true);
    expect(validate('ProjectApiKey', key, { spec: NEWER_SPEC_PATH }).valid).to.equal(false);
  });
});

describe('bad input: a TypeError with a one-line message naming the function', () => {
  const cycle: Record<string, unknown> = {};
  cycle.self = cycle;
  const notAPact = join(mkdtempSync(join(tmpdir(), 'not-a-pact-')), 'message-pact.json');
  writeFileSync(notAPact, JSON.stringify({ consumer: { name: 'c' }, provider: { name: 'p' }, messages: [] }));
  const cases: [description: string, call: () => unknown, message: RegExp][] = [
    [
      'an unknown schema name',
      () => validate('ProjectKey', key),
      /^validate: unknown schema "ProjectKey" \(the document defines: ProjectApiKey, ProjectUser, ProjectServiceAccount\)$/,
    ],
    [
      'a body that is not JSON text',
      () => validate('ProjectApiKey', '{"id":'),
      /^validate: the body is not JSON \(6 characters\)$/,
    ],
    ['an empty body', () => validate('ProjectApiKey', ''), /^validate: the body is not JSON \(empty\)$/],
    [
      'undefined',
      () => validate('ProjectApiKey', undefined),
      /^validate: the body is not JSON: undefined is not JSON$/,
    ],
    [
      'a value inside that is not JSON',
      () => validate('ProjectApiKey', { ...key, created_at: new Date(0) }),
      /^validate: the body is not JSON: a Date is not JSON$/,
    ],
    ['NaN', () => validate('ProjectApiKey', { ...key, created_at: Number.NaN }), /not a JSON number/],
    ['a body that contains itself', () => validate('ProjectApiKey', cycle), /contains itself/],
    [
      'a document that does not exist',
      () => validate('ProjectApiKey', key, { spec: '/nonexistent/openapi.yaml' }),
      /^validate: cannot read the OpenAPI document \/nonexistent\/openapi\.yaml: no such file$/,
    ],
    [
      'a document that is not OpenAPI',
      () => validate('ProjectApiKey', key, { spec: CONTRACT_PATH }),
      /^validate: cannot use OpenAPI document .*: no "openapi" version field$/,
    ],
    [
      'a pact file that does not exist',
      () => checkPact('/nonexistent/pact.json'),
      /^checkPact: cannot read pact \/nonexistent\/pact\.json: no such file$/,
    ],
    [
      'a pact file that never ends (/dev/zero): read no further than 32 MiB',
      () => checkPact('/dev/zero'),
      /^checkPact: cannot read pact \/dev\/zero: it is larger than 32 MiB$/,
    ],
    [
      'a document that never ends (/dev/zero): read no further than 32 MiB',
      () => validate('ProjectApiKey', key, { spec: '/dev/zero' }),
      /^validate: cannot use OpenAPI document \/dev\/zero: it is larger than 32 MiB$/,
    ],
    [
      'a file that is not a pact',
      () => checkPact(repoPath('README.md')),
      /^checkPact: cannot use pact .*README\.md: not a pact file/,
    ],
    [
      'an object that is not a pact',
      () => checkPact({ interactions: 'none' }),
      /^checkPact: cannot use pact \(the pact given\): not a pact file \(no interactions array\)$/,
    ],
    ['a pact with no interactions', () => checkPact({ interactions: [] }), /nothing to verify$/],
    ['a message pact', () => checkPact(notAPact), /no interactions array/],
    [
      'a pact with no HTTP interaction',
      () => checkPact({ interactions: [{ type: 'Asynchronous/Messages' }] }),
      /no HTTP interaction: nothing to check$/,
    ],
    [
      'an example its schema forbids',
      () => matchersFor('ProjectApiKey', edited(key, ['/owner/type', 'robot'])),
      /^matchersFor: the example is not a valid ProjectApiKey: \/owner\/type: must be one of "user", "service_account"; got "robot"$/,
    ],
    ['a matcher for an unknown schema', () => matchersFor('Nope', {}), /^matchersFor: unknown schema "Nope"/],
  ];
  for (const [description, call, message] of cases) {
    it(description, () => {
      const error = thrown(call);
      expect(error).to.be.instanceOf(TypeError);
      expect(error.message).to.match(message);
      expect(error.message).not.to.include('\n');
    });
  }
  it('an unknown fault for the reference provider', async () => {
    const error = await startReferenceProvider({ fault: 'on-fire' }).then(
      () => expect.fail('it started'),
      (e: Error) => e,
    );
    expect(error).to.be.instanceOf(TypeError);
    expect(error.message).to.match(/^startReferenceProvider: unknown fault "on-fire" \(faults: wrong-enum, /);
  });
});

describe('checkPact', () => {
  it('takes a path or the parsed pact, and says the same of both', () => {
    const byPath = checkPact(CONTRACT_PATH);
    expect(byPath.ok).to.equal(true);
    expect(byPath.findings.map((f) => [f.severity, f.keyword])).to.deep.equal([
      ['warning', 'status'],
      ['warning', 'status'],
    ]);
    expect(checkPact(JSON.parse(readFileSync(CONTRACT_PATH, 'utf8')))).to.deep.equal(byPath);
  });

  it('is not compatible when an interaction breaks the document, with a pointer into the pact', () => {
    const pact = JSON.parse(readFileSync(CONTRACT_PATH, 'utf8'));
    pact.interactions[0].request.method = 'DELETE';
    const { ok, findings } = checkPact(pact);
    expect(ok).to.equal(false);
    expect(findings.filter((f) => f.severity === 'error').map((f) => f.pointer)).to.deep.equal([
      '/interactions/0/request/method',
    ]);
  });
});

describe('matchersFor', () => {
  it('reads the matchers from the schema; pact-js reifies them to the example', () => {
    const template = matchersFor('ProjectApiKey', key) as Record<string, unknown>;
    expect(template.object).to.deep.equal({ 'pact:matcher:type': 'equality', value: key.object });
    expect(template.created_at).to.deep.equal(MatchersV3.integer(key.created_at));
    expect((template.owner as Record<string, { regex?: string }>).type?.regex).to.equal(
      '^(?:user|service_account)$',
    );
    expect(MatchersV3.reify(template as never)).to.deep.equal(key);
  });

  it('takes another document by { spec }', () => {
    const template = matchersFor('ProjectApiKey', current, { spec: documents.current }) as Record<
      string,
      unknown
    >;
    expect(template).to.have.property('owner_project_access');
  });
});

describe('startReferenceProvider', () => {
  it('serves the seeded keys to its admin key, refuses another, and closes', async () => {
    const stub = await startReferenceProvider({ pathPrefix: '/v1' });
    try {
      expect(stub.url).to.match(/^http:\/\/127\.0\.0\.1:\d+\/v1$/);
      expect(stub.adminKey).to.equal('sk-admin-EXAMPLE');
      const url = `${stub.url}/organization/projects/${stub.ids.projectId}/api_keys/${stub.ids.serviceAccountKeyId}`;
      const ok = await fetch(url, { headers: { authorization: `Bearer ${stub.adminKey}` } });
      expect(ok.status).to.equal(200);
      const body = (await ok.json()) as ProjectApiKey;
      expect(validate('ProjectApiKey', body).valid).to.equal(true);
      expect(body.owner.type).to.equal('service_account');
      const refused = await fetch(url, { headers: { authorization: 'Bearer sk-admin-OTHER' } });
      expect(refused.status).to.equal(401);
    } finally {
      await stub.close();
    }
    const after = await fetch(stub.url).then(
      () => 'answered',
      () => 'refused',
    );
    expect(after).to.equal('refused');
  });

  it("serves today's shape with { shape: 'current' }, and a fault on request", async () => {
    const stub = await startReferenceProvider({ shape: 'current', fault: 'wrong-enum' });
    try {
      const url = `${stub.url}/organization/projects/${stub.ids.projectId}/api_keys/${stub.ids.userKeyId}`;
      const body = await (await fetch(url, { headers: { authorization: `Bearer ${stub.adminKey}` } })).json();
      const result = validate('ProjectApiKey', body, { spec: documents.current });
      expect(result.findings.map((f) => [f.pointer, f.keyword])).to.deep.equal([['/owner/type', 'enum']]);
    } finally {
      await stub.close();
    }
  });
});

describe('the library and pact-check write nothing outside the current folder', function () {
  this.timeout(60_000);
  it('a process that calls every entry point and the command leaves HOME, TMPDIR and its folder as they were', async () => {
    const root = mkdtempSync(join(tmpdir(), 'writes-'));
    const [home, temp, cwd] = ['home', 'tmp', 'cwd'].map((name) => join(root, name));
    for (const dir of [home, temp, cwd] as string[]) (await import('node:fs')).mkdirSync(dir);
    writeFileSync(join(cwd as string, 'pact.json'), readFileSync(CONTRACT_PATH));
    const script = `
      const lib = await import(${JSON.stringify(repoPath('src/lib/index.ts'))});
      const chai = await import(${JSON.stringify(import.meta.resolve('chai'))});
      const { chaiPlugin } = await import(${JSON.stringify(repoPath('src/lib/chai.ts'))});
      chai.use(chaiPlugin);
      const stub = await lib.startReferenceProvider();
      const body = await (await fetch(stub.url + '/organization/projects/' + stub.ids.projectId + '/api_keys/' + stub.ids.userKeyId, { headers: { authorization: 'Bearer ' + stub.adminKey } })).json();
      await stub.close();
      chai.expect(body).to.be.aProjectApiKey();
      lib.matchersFor('ProjectApiKey', body);
      lib.validate('ProjectApiKey', body, { spec: lib.documents.current });
      if (!lib.checkPact('pact.json').ok) throw new Error('not compatible');
      const { runPactCheck } = await import(${JSON.stringify(repoPath('src/cli/pact-check.ts'))});
      process.exitCode = runPactCheck(['pact.json', '--json'], { stdout() {}, stderr() {} });
    `;
    const code = await new Promise<number>((resolve) => {
      execFile(
        process.execPath,
        ['--import', import.meta.resolve('tsx'), '--input-type=module', '-e', script],
        // tsx, which runs the sources here, would keep its cache in TMPDIR: it is not ours to count.
        {
          cwd,
          env: { ...process.env, HOME: home, TMPDIR: temp, TMP: temp, TEMP: temp, TSX_DISABLE_CACHE: '1' },
        },
        (error, _stdout, stderr) => resolve(error ? (expect.fail(stderr) as number) : 0),
      );
    });
    expect(code).to.equal(0);
    expect(readdirSync(home as string)).to.deep.equal([]);
    expect(readdirSync(temp as string)).to.deep.equal([]);
    expect(readdirSync(cwd as string)).to.deep.equal(['pact.json']);
    rmSync(root, { recursive: true, force: true });
  });
});
