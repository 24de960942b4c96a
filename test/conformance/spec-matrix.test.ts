import { EventEmitter } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { expect } from 'chai';
import { runConformanceCli } from '../../src/cli/conformance.ts';
import {
  MATRIX_POINTERS,
  type MatrixDocument,
  matrixBodyOf,
  matrixDocumentOf,
  specMatrix,
} from '../../src/conformance/spec-matrix.ts';
import { loadDocument, SpecError } from '../../src/openapi/document.ts';
import { sampleOfComponent } from '../../src/openapi/sample.ts';
import { validatorsFor } from '../../src/openapi/validators.ts';
import { conformanceFlags, type FaultName, startReferenceProvider } from '../../src/provider/index.ts';
import type { ConformanceResult } from '../../src/report/conformance-result.ts';
import { REPORT_FILES } from '../../src/report/files.ts';
import { drop, edited, NEWER_SPEC_PATH, repoPath, seed } from '../helpers.ts';

const addFormats = addFormatsModule as unknown as typeof addFormatsModule.default;

// Which version of the document the target serves: the pure matrix, then whole runs with --also-spec.

const newer = loadDocument(NEWER_SPEC_PATH);
const rowOf = (loaded: typeof seed, verdict: boolean, path: string): MatrixDocument =>
  matrixDocumentOf(loaded, validatorsFor(loaded.document), { displayPath: path, verdict });
const documents = [rowOf(seed, true, 'seed.yaml'), rowOf(newer, false, 'newer.yaml')];
const seedBody = sampleOfComponent('ProjectApiKey', seed.document);
/** A key owned by a user as today's service serves it. */
const newerBody = edited(
  sampleOfComponent('ProjectApiKey', newer.document),
  ['/owner/user/role', 'owner'],
  ['/owner/service_account', drop],
);

describe('specMatrix', () => {
  it('a row per document in the order given, a cell per body in the order given', () => {
    const matrix = specMatrix(
      documents,
      [
        { key: 'a', body: seedBody },
        { key: 'b', body: newerBody },
      ],
      { strict: false },
    );
    expect(matrix.keys).to.deep.equal(['a', 'b']);
    expect(matrix.rows.map((r) => [r.spec.path, r.spec.openapi, r.verdict])).to.deep.equal([
      ['seed.yaml', '3.0.0', true],
      ['newer.yaml', '3.1.0', false],
    ]);
    expect(matrix.rows[0]?.spec.sha256).to.equal(seed.sha256);
    expect(matrix.rows.map((r) => r.cells.map((c) => [c.key, c.conforms]))).to.deep.equal([
      [
        ['a', true],
        ['b', false],
      ],
      [
        ['a', false],
        ['b', true],
      ],
    ]);
  });

  const cases: {
    description: string;
    body: unknown;
    strict: boolean;
    want: { conforms: boolean; errors: number; warnings: number; pointers: string[] };
  }[] = [
    {
      description: "today's body against the seed: errors first, then undeclared properties as warnings",
      body: newerBody,
      strict: false,
      want: {
        conforms: false,
        errors: 2,
        warnings: 3,
        pointers: ['/owner/user/object', '/owner/user/added_at', '/last_used_at'],
      },
    },
    {
      description: 'the same with --strict: undeclared properties are errors too',
      body: newerBody,
      strict: true,
      want: {
        conforms: false,
        errors: 5,
        warnings: 0,
        pointers: ['/last_used_at', '/owner_project_access', '/owner/user/object'],
      },
    },
    {
      description: 'an extra property only: conforms, with a warning',
      body: edited(seedBody, ['/note', 'x']),
      strict: false,
      want: { conforms: true, errors: 0, warnings: 1, pointers: ['/note'] },
    },
    {
      description: 'a missing required property: does not conform',
      body: edited(seedBody, ['/redacted_value', drop]),
      strict: false,
      want: { conforms: false, errors: 1, warnings: 0, pointers: ['/redacted_value'] },
    },
    {
      description: 'not an object at all',
      body: 'hello',
      strict: false,
      want: { conforms: false, errors: 1, warnings: 0, pointers: [''] },
    },
  ];
  for (const { description, body, strict, want } of cases) {
    it(description, () => {
      const cell = specMatrix([documents[0] as MatrixDocument], [{ key: 'k', body }], { strict }).rows[0]
        ?.cells[0];
      expect(cell).to.deep.equal({ key: 'k', ...want });
      expect(cell?.pointers.length).to.be.at.most(MATRIX_POINTERS);
    });
  }

  it('no bodies: rows with no cells', () => {
    expect(specMatrix(documents, [], { strict: false })).to.deep.equal({
      keys: [],
      rows: documents.map(({ spec, verdict }) => ({ spec, verdict, cells: [] })),
    });
  });
});

describe('matrixBodyOf', () => {
  const cases: [string, { status: number; text: string }, unknown][] = [
    ['a 200 with JSON', { status: 200, text: '{"id":"key_a"}' }, { key: 'k', body: { id: 'key_a' } }],
    ['a 203 with JSON', { status: 203, text: '[]' }, { key: 'k', body: [] }],
    ['a 404 with JSON', { status: 404, text: '{"error":{}}' }, undefined],
    ['a 302', { status: 302, text: '' }, undefined],
    ['a 200 that is not JSON', { status: 200, text: '<html>' }, undefined],
  ];
  for (const [label, answer, want] of cases)
    it(label, () => expect(matrixBodyOf('k', answer)).to.deep.equal(want));
});

describe('matrixDocumentOf', () => {
  it('refuses a document with no ProjectApiKey to judge a key with', () => {
    const { ProjectApiKey: _, ...others } = seed.document.components?.schemas ?? {};
    const without = { ...seed, document: { ...seed.document, components: { schemas: others } } };
    expect(() =>
      matrixDocumentOf(without, validatorsFor(without.document), { displayPath: 'x', verdict: false }),
    ).to.throw(SpecError, /no components\/schemas\/ProjectApiKey/);
  });
});

describe('npm run conformance --also-spec', function () {
  this.timeout(60_000);
  const canary = 'sk-admin-also-spec-canary-0123456789';
  const ajv = new Ajv2020({ strict: true, allErrors: true });
  addFormats(ajv);
  const validateReport = ajv.compile(
    JSON.parse(readFileSync(repoPath('schemas/conformance-report.schema.json'), 'utf8')),
  );
  const scratch = mkdtempSync(join(tmpdir(), 'also-spec-'));
  after(() => rmSync(scratch, { recursive: true, force: true }));

  const run = async (fault: FaultName | undefined, extra: string[]) => {
    const provider = await startReferenceProvider({ adminKey: canary, ...(fault ? { fault } : {}) });
    const dir = mkdtempSync(join(scratch, 'run-'));
    const output: string[] = [];
    try {
      const code = await runConformanceCli([...conformanceFlags(provider), '--report-dir', dir, ...extra], {
        env: { OPENAI_ADMIN_KEY: canary },
        io: { stdout: (t) => output.push(t), stderr: (t) => output.push(t) },
        signals: new EventEmitter(),
      });
      const result = JSON.parse(readFileSync(join(dir, REPORT_FILES.json), 'utf8')) as ConformanceResult;
      return { code, result, output: output.join(''), dir };
    } finally {
      await provider.close();
    }
  };
  const conforms = (result: ConformanceResult) =>
    result.specMatrix?.rows.map((row) => [row.spec.path, row.verdict, row.cells.map((c) => c.conforms)]);
  const ALSO = ['--also-spec', NEWER_SPEC_PATH];

  it("live-shape: the target conforms to today's document and not to the seed's; the verdict is the seed's", async () => {
    const { code, result, output, dir } = await run('live-shape', ALSO);
    expect(code).to.equal(1);
    expect(result.verdict).to.equal('fail');
    expect(result.specMatrix?.keys).to.deep.equal(['key owned by a user', 'key owned by a service account']);
    expect(conforms(result)).to.deep.equal([
      ['schemas/openapi.yaml', true, [false, false]],
      ['schemas/openai-openapi-f85dbe2.yaml', false, [true, true]],
    ]);
    expect(result.specMatrix?.rows[0]?.cells[0]?.pointers).to.include('/owner/user/object');
    expect(validateReport(result), JSON.stringify(validateReport.errors)).to.equal(true);
    expect(output).to.match(
      /schemas\/openai-openapi-f85dbe2\.yaml \(OpenAPI 3\.1\.0\)\n\s+key owned by a user\s+conforms\n/,
    );
    for (const file of Object.values(REPORT_FILES)) {
      expect(readFileSync(join(dir, file), 'utf8'), file).to.include('openai-openapi-f85dbe2.yaml');
    }
  });

  it("no fault: the run passes on the seed though the target does not serve today's document", async () => {
    const { code, result } = await run(undefined, ALSO);
    expect(code).to.equal(0);
    expect(result.verdict).to.equal('pass');
    expect(conforms(result)).to.deep.equal([
      ['schemas/openapi.yaml', true, [true, true]],
      ['schemas/openai-openapi-f85dbe2.yaml', false, [false, false]],
    ]);
  });

  it('a 2xx that is not a key body leaves the key out; the rows stay', async () => {
    const { result } = await run('html-200', ALSO);
    expect(result.specMatrix?.keys).to.deep.equal([]);
    expect(result.specMatrix?.rows).to.have.length(2);
  });

  it('no --also-spec: no matrix in the result', async () => {
    const { result } = await run(undefined, []);
    expect(result).not.to.have.property('specMatrix');
  });

  const notOpenApi = join(scratch, 'not-openapi.yaml');
  writeFileSync(notOpenApi, 'hello: world\n');
  const noKey = join(scratch, 'no-key.yaml');
  writeFileSync(
    noKey,
    'openapi: 3.1.0\ninfo: { version: "1" }\npaths: {}\ncomponents: { schemas: { Other: {} } }\n',
  );
  const bad: [string, string, RegExp][] = [
    [
      'a missing file',
      join(scratch, 'none.yaml'),
      /cannot read the OpenAPI document .*none\.yaml: no such file/,
    ],
    ['a file that is not OpenAPI', notOpenApi, /not-openapi\.yaml: no "openapi" version field/],
    ['a document without ProjectApiKey', noKey, /no-key\.yaml: no components\/schemas\/ProjectApiKey/],
  ];
  for (const [label, path, message] of bad) {
    it(`${label}: exit 2, one line, before any traffic`, async () => {
      const errors: string[] = [];
      const code = await runConformanceCli(['--also-spec', path, '--report-dir', join(scratch, 'bad')], {
        env: {},
        io: { stdout: () => {}, stderr: (t) => errors.push(t) },
        signals: new EventEmitter(),
      });
      expect(code).to.equal(2);
      expect(errors.join('')).to.match(message);
      expect(errors.join('').trim().split('\n')).to.have.length(1);
    });
  }
});
