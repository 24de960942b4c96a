import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { expect } from 'chai';
import { XMLParser } from 'fast-xml-parser';
import { Lexer, type Tokens } from 'marked';
import { MATRIX_EMPTY, MATRIX_TITLE, matrixCellText } from '../../src/report/common.ts';
import type { ConformanceResult } from '../../src/report/conformance-result.ts';
import { renderConsoleSummary } from '../../src/report/console.ts';
import { renderHtml } from '../../src/report/html.ts';
import { renderJson } from '../../src/report/json-report.ts';
import { renderJunit } from '../../src/report/junit.ts';
import { renderMarkdown } from '../../src/report/markdown.ts';
import { edited, repoPath } from '../helpers.ts';
import { HOSTILE, HOSTILE_SPEC_PATH, withMatrix } from './fixtures.ts';

// The spec matrix (--also-spec) in every report: the same cells in words, hostile text kept as text, and
// the verdict left to --spec.

const addFormats = addFormatsModule as unknown as typeof addFormatsModule.default;
const ajv = new Ajv2020({ strict: true, allErrors: true });
addFormats(ajv);
const validateReport = ajv.compile(
  JSON.parse(readFileSync(repoPath('schemas/conformance-report.schema.json'), 'utf8')),
);

const noKeys = (): ConformanceResult => {
  const result = withMatrix();
  const matrix = result.specMatrix as NonNullable<ConformanceResult['specMatrix']>;
  return { ...result, specMatrix: { keys: [], rows: matrix.rows.map((row) => ({ ...row, cells: [] })) } };
};

describe('matrixCellText', () => {
  const cases: [string, Parameters<typeof matrixCellText>[0], string][] = [
    ['conforms', { key: 'k', conforms: true, errors: 0, warnings: 0, pointers: [] }, 'conforms'],
    [
      'conforms with warnings',
      { key: 'k', conforms: true, errors: 0, warnings: 1, pointers: ['/extra'] },
      'conforms (1 warning at /extra)',
    ],
    [
      'does not conform, every pointer named',
      { key: 'k', conforms: false, errors: 2, warnings: 0, pointers: ['/a', '/b'] },
      'does not conform: 2 errors at /a, /b',
    ],
    [
      'does not conform, more findings than pointers',
      { key: 'k', conforms: false, errors: 2, warnings: 3, pointers: ['/a', '/b', '/c'] },
      'does not conform: 2 errors, 3 warnings at /a, /b, /c, …',
    ],
    [
      'a finding at the root',
      { key: 'k', conforms: false, errors: 1, warnings: 0, pointers: [''] },
      'does not conform: 1 error at (root)',
    ],
  ];
  for (const [label, cell, want] of cases) it(label, () => expect(matrixCellText(cell)).to.equal(want));
});

describe('the spec matrix in the reports', () => {
  it('conformance.json: as given, valid against the report schema, which refuses a cell without conforms', () => {
    const json = JSON.parse(renderJson(withMatrix()));
    expect(json.specMatrix).to.deep.equal(withMatrix().specMatrix);
    expect(validateReport(json), JSON.stringify(validateReport.errors)).to.equal(true);
    const broken = edited(json, ['/specMatrix/rows/0/cells/0/conforms', 'yes']);
    expect(validateReport(broken)).to.equal(false);
    expect(Object.keys(json.specMatrix.rows[0])).to.deep.equal(['spec', 'verdict', 'cells']);
    expect(Object.keys(json.specMatrix.rows[0].cells[0])).to.deep.equal([
      'key',
      'conforms',
      'errors',
      'warnings',
      'pointers',
    ]);
  });

  it('conformance.json: no specMatrix key for a run without --also-spec', () => {
    const { specMatrix: _, ...without } = withMatrix();
    expect(JSON.parse(renderJson(without))).not.to.have.property('specMatrix');
  });

  describe('summary.md', () => {
    const tokens = Lexer.lex(renderMarkdown(withMatrix()));
    const heading = tokens.findIndex((t) => t.type === 'heading' && t.text === MATRIX_TITLE);
    const table = tokens.slice(heading).find((t): t is Tokens.Table => t.type === 'table');
    const plain = (cell: Tokens.TableCell) => cell.tokens.map((t) => ('text' in t ? t.text : t.raw)).join('');

    it('a table: a row per document, a column per key', () => {
      expect(heading).to.be.greaterThan(-1);
      expect(table?.header.map((h) => h.text)).to.deep.equal([
        'Document',
        'key owned by a user',
        'key owned by a service account',
      ]);
      expect(table?.rows.map((row) => plain(row[0] as Tokens.TableCell))).to.deep.equal([
        'schemas/openai-openapi-f85dbe2.yaml (OpenAPI 3.1.0, the verdict’s)',
        'schemas/openapi.yaml (OpenAPI 3.0.0)',
        `${HOSTILE_SPEC_PATH} (OpenAPI 3.1.0)`,
      ]);
      expect(table?.rows.map((row) => row.slice(1).map(plain))).to.deep.equal([
        ['conforms', 'conforms (1 warning at /note)'],
        [
          'does not conform: 2 errors, 3 warnings at /owner/user/object, /owner/user/added_at, /owner/user/created_at, …',
          'does not conform: 1 error, 2 warnings at /owner/service_account/object, /last_used_at, /owner_project_access',
        ],
        [`does not conform: 1 error at ${HOSTILE.pointer}`, 'conforms'],
      ]);
    });

    it('pointers in code spans; a hostile path or pointer neither breaks the table nor becomes markup', () => {
      const cell = table?.rows[1]?.[1] as Tokens.TableCell;
      expect(cell.tokens.filter((t) => t.type === 'codespan').map((t) => t.raw)).to.deep.equal([
        '`/owner/user/object`',
        '`/owner/user/added_at`',
        '`/owner/user/created_at`',
      ]);
      expect(table?.rows.every((row) => row.length === 3)).to.equal(true);
      expect(renderMarkdown(withMatrix())).not.to.include('<b>next</b>');
    });

    it('says so when no key body came back', () => {
      expect(renderMarkdown(noKeys())).to.include(`### ${MATRIX_TITLE}\n\n${MATRIX_EMPTY}\n`);
    });
  });

  describe('junit.xml', () => {
    const parser = new XMLParser({
      ignoreAttributes: false,
      attributeNamePrefix: '',
      isArray: (name) => ['testsuite', 'testcase', 'property'].includes(name),
    });
    type Node = Record<string, unknown>;
    const runSuite = (result: ConformanceResult) => {
      const doc = parser.parse(renderJunit(result)) as { testsuites: { testsuite: Node[] } };
      return doc.testsuites.testsuite.find((s) => s.name === 'conformance.run') as Node & {
        testcase: Node[];
        properties: { property: { name: string; value: string }[] };
      };
    };

    it('a property per document × key, and the matrix in the verdict case’s system-out', () => {
      const suite = runSuite(withMatrix());
      const properties = Object.fromEntries(suite.properties.property.map((p) => [p.name, p.value]));
      expect(properties).to.include({
        'specMatrix: schemas/openai-openapi-f85dbe2.yaml × key owned by a user': 'conforms',
        'specMatrix: schemas/openapi.yaml × key owned by a service account':
          'does not conform: 1 error, 2 warnings at /owner/service_account/object, /last_used_at, /owner_project_access',
        [`specMatrix: ${HOSTILE_SPEC_PATH} × key owned by a user`]: `does not conform: 1 error at ${HOSTILE.pointer}`,
      });
      const out = String(suite.testcase[0]?.['system-out']).split('\n');
      expect(out[0]).to.equal(`${MATRIX_TITLE}:`);
      expect(out).to.include(
        '  key owned by a user: does not conform: 2 errors, 3 warnings at /owner/user/object, /owner/user/added_at, /owner/user/created_at, …',
      );
    });

    it('a document the target does not serve fails no test case: the verdict is --spec’s', () => {
      const suite = runSuite(withMatrix());
      expect(suite.failures).to.equal('0');
      expect(suite.testcase[0]).not.to.have.any.keys('failure', 'error');
    });
  });

  describe('report.html', () => {
    const html = renderHtml(withMatrix());
    const section = html.slice(html.indexOf(`<h2>${MATRIX_TITLE}</h2>`), html.indexOf('<h2>Checks</h2>'));

    it('a table: a row per document, the verdict’s marked, each cell saying whether the body conforms', () => {
      expect(section).to.include('<table class="matrix">');
      expect(section.match(/<tr class="verdict">/g)).to.have.length(1);
      expect(section.match(/data-conforms="true"/g)).to.have.length(3);
      expect(section.match(/data-conforms="false"/g)).to.have.length(3);
      expect(section).to.include(
        '<td class="differs" data-conforms="false">does not conform: 2 errors, 3 warnings at <code>/owner/user/object</code>, <code>/owner/user/added_at</code>, <code>/owner/user/created_at</code>, …</td>',
      );
    });

    it('escapes a hostile document path', () => {
      expect(section).not.to.include('<b>next</b>');
      expect(section).to.include('specs/&lt;b&gt;next&lt;/b&gt;|`v`.yaml');
    });

    it('says so when no key body came back, and has no section without --also-spec', () => {
      expect(renderHtml(noKeys())).to.include(
        `<h2>${MATRIX_TITLE}</h2>\n<p class="muted">${MATRIX_EMPTY}</p>`,
      );
      const { specMatrix: _, ...without } = withMatrix();
      expect(renderHtml(without)).not.to.include(MATRIX_TITLE);
    });
  });

  describe('the console', () => {
    const paths = { json: 'j', junit: 'x', html: 'h', markdown: 'm' };

    it('a document per line, a key per indented line, before where the reports are', () => {
      const lines = renderConsoleSummary(withMatrix(), paths).split('\n');
      const at = lines.indexOf(`${MATRIX_TITLE}:`);
      expect(at).to.be.greaterThan(-1);
      expect(lines.slice(at + 1, at + 4)).to.deep.equal([
        '  schemas/openai-openapi-f85dbe2.yaml (OpenAPI 3.1.0, the verdict’s)',
        '    key owned by a user             conforms',
        '    key owned by a service account  conforms (1 warning at /note)',
      ]);
      expect(lines.at(-2)).to.match(/^Reports: /);
    });

    it('one line when no key body came back, nothing without --also-spec', () => {
      expect(renderConsoleSummary(noKeys(), paths)).to.include(`${MATRIX_TITLE}: ${MATRIX_EMPTY}\n`);
      const { specMatrix: _, ...without } = withMatrix();
      expect(renderConsoleSummary(without, paths)).not.to.include(MATRIX_TITLE);
    });
  });
});
