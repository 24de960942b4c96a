import { expect } from 'chai';
import { compareOperations } from '../../src/drift/compare.ts';
import { parseOperation, pathShape } from '../../src/drift/same-operation.ts';
import { SchemaShapeError } from '../../src/drift/shape.ts';
import { loadDocument } from '../../src/openapi/document.ts';
import { OperationError } from '../../src/openapi/operation.ts';
import { NEWER_SPEC_PATH, seed } from '../helpers.ts';
import { type DocumentParts, documentWith, OPERATION, query } from './documents.ts';

const compare = (from: DocumentParts, to: DocumentParts, operation = OPERATION) =>
  compareOperations(documentWith(from), documentWith(to), { operation });
const kinds = (from: DocumentParts, to: DocumentParts) =>
  compare(from, to).changes.map((c) => [c.kind, c.pointer]);
const at = (schema: unknown) => ({ type: 'object', properties: { at: schema } });

describe('compareOperations: one shape for every spelling', () => {
  // [label, from, to]: documents that say the same thing in two ways, so there is nothing to report.
  const same: [string, DocumentParts, DocumentParts][] = [
    [
      '3.0 nullable and a 3.1 anyOf with null',
      { body: at({ type: 'integer', nullable: true }) },
      { openapi: '3.1.0', body: at({ anyOf: [{ type: 'integer' }, { type: 'null' }] }) },
    ],
    [
      '3.0 nullable and a 3.1 type array with null',
      { body: at({ type: 'integer', nullable: true }) },
      { openapi: '3.1.0', body: at({ type: ['integer', 'null'] }) },
    ],
    [
      'a 3.1 oneOf with null and a type array',
      { openapi: '3.1.0', body: at({ oneOf: [{ type: 'null' }, { type: 'string' }] }) },
      { openapi: '3.1.0', body: at({ type: ['null', 'string'] }) },
    ],
    [
      'null among the enum values and nullable',
      { body: at({ type: 'string', enum: ['a'], nullable: true }) },
      { openapi: '3.1.0', body: at({ type: ['string', 'null'], enum: ['a', null] }) },
    ],
    [
      'const and a one-value enum',
      { body: at({ type: 'string', enum: ['a'] }) },
      { openapi: '3.1.0', body: at({ type: 'string', const: 'a' }) },
    ],
    [
      'a $ref to a component and the same schema inline',
      { body: { $ref: '#/components/schemas/Thing' }, components: { Thing: at({ type: 'integer' }) } },
      { body: at({ type: 'integer' }) },
    ],
    [
      'the same schema under another component name',
      {
        body: { $ref: '#/components/schemas/Old' },
        components: { Old: at({ $ref: '#/components/schemas/T' }), T: { type: 'integer' } },
      },
      { body: { $ref: '#/components/schemas/New' }, components: { New: at({ type: 'integer' }) } },
    ],
    [
      'allOf of a $ref and the schema inline',
      {
        body: { allOf: [{ $ref: '#/components/schemas/Thing' }] },
        components: { Thing: at({ type: 'integer' }) },
      },
      { body: at({ type: 'integer' }) },
    ],
    [
      'a nullable $ref in 3.1 (anyOf [$ref, null]) and 3.0 nullable inline',
      { body: at({ type: 'object', properties: { x: { type: 'string' } }, nullable: true }) },
      {
        openapi: '3.1.0',
        body: at({
          anyOf: [{ $ref: '#/components/schemas/X' }, { type: 'null' }],
          description: 'words only',
        }),
        components: { X: { type: 'object', properties: { x: { type: 'string' } } } },
      },
    ],
    [
      "3.0's nullable beside allOf [$ref] and 3.1's anyOf [$ref, null]",
      {
        body: at({ nullable: true, allOf: [{ $ref: '#/components/schemas/X' }] }),
        components: { X: { type: 'integer' } },
      },
      {
        openapi: '3.1.0',
        body: at({ anyOf: [{ $ref: '#/components/schemas/X' }, { type: 'null' }] }),
        components: { X: { type: 'integer' } },
      },
    ],
    [
      'path-level parameters and the same at the operation',
      { parameters: [query('limit', true)] },
      { pathParameters: [query('limit', true)] },
    ],
    [
      'a parameter by $ref and the same inline',
      { parameters: [query('limit', true)] },
      {
        parameters: [{ $ref: '#/components/parameters/Limit' }],
        components: {},
      },
    ],
  ];
  for (const [label, from, to] of same) {
    it(`no change between ${label}`, () => {
      const fromDocument = documentWith(from);
      const toDocument = documentWith(to);
      // The one parameter given by $ref points into components.parameters.
      (toDocument.components as Record<string, unknown>).parameters = { Limit: query('limit', true) };
      expect(compareOperations(fromDocument, toDocument, { operation: OPERATION }).changes).to.deep.equal([]);
    });
  }

  it('walks a recursive schema once, reporting a change inside it where it first appears', () => {
    const tree = (leaf: unknown): DocumentParts => ({
      body: { $ref: '#/components/schemas/Node' },
      components: {
        Node: {
          type: 'object',
          properties: { leaf, children: { type: 'array', items: { $ref: '#/components/schemas/Node' } } },
        },
      },
    });
    expect(kinds(tree({ type: 'string' }), tree({ type: 'string' }))).to.deep.equal([]);
    expect(kinds(tree({ type: 'string' }), tree({ type: 'integer' }))).to.deep.equal([
      ['type-changed', '/leaf'],
    ]);
  });

  it('names array items by index 0 and goes on inside them', () => {
    const list = (item: unknown) => ({
      body: { type: 'object', properties: { data: { type: 'array', items: item } } },
    });
    expect(kinds(list(at({ type: 'integer' })), list(at({ type: 'integer', nullable: true })))).to.deep.equal(
      [['nullable-added', '/data/0/at']],
    );
  });

  it('reports a type change and, where both are objects, what changed inside', () => {
    const changes = compare(
      { body: at({ type: 'object', properties: { x: { type: 'string' } } }) },
      { openapi: '3.1.0', body: at({ type: ['object', 'string'], properties: {} }) },
    ).changes;
    expect(changes.map((c) => [c.kind, c.pointer, c.from, c.to])).to.deep.equal([
      ['type-changed', '/at', 'object', 'object | string'],
      ['property-removed', '/at/x', 'string', null],
    ]);
  });

  it('escapes a property name in the pointer (RFC 6901)', () => {
    expect(
      kinds(
        { body: at({ type: 'string' }) },
        { body: { type: 'object', properties: { at: { type: 'string' }, 'a/b~c': { type: 'string' } } } },
      ),
    ).to.deep.equal([['property-added', '/a~1b~0c']]);
  });

  it('a 200 that has a JSON body in one version and none in the other is a type change of the body', () => {
    const without = documentWith({});
    (without.paths['/things/{thing_id}']?.get?.responses as Record<string, unknown>)['200'] = {
      description: 'ok',
    };
    const changes = compareOperations(documentWith({}), without, { operation: OPERATION }).changes;
    expect(changes.map((c) => [c.kind, c.pointer, c.from, c.to])).to.deep.equal([
      ['type-changed', '', 'JSON body', 'no JSON body'],
    ]);
  });
});

describe('compareOperations: which operation', () => {
  it('matches by method and path shape: a renamed parameter is the same operation', () => {
    const result = compare(
      { path: '/a/{x}/b/{y}' },
      { path: '/a/{x}/b/{z}' },
      'get:/a/{anything}/b/{at-all}',
    );
    expect(result.from.path).to.equal('/a/{x}/b/{y}');
    expect(result.to.path).to.equal('/a/{x}/b/{z}');
    expect(result.changes.map((c) => [c.kind, c.pointer, c.from, c.to])).to.deep.equal([
      ['parameter-renamed', '/parameters/1', 'y', 'z'],
    ]);
  });

  const errors: [string, () => unknown, RegExp][] = [
    [
      'an operation the new document lacks',
      () =>
        compareOperations(documentWith(), documentWith({ path: '/other/{id}' }), {
          operation: OPERATION,
          names: { from: 'a.yaml', to: 'b.yaml' },
        }),
      /^b\.yaml has no operation GET \/things\/\{thing_id\} \(nor any GET \/things\/\{\}\)$/,
    ],
    ['another method', () => compare({}, {}, 'POST:/things/{thing_id}'), /has no operation POST/],
    [
      'two paths of the same shape',
      () => {
        const two = documentWith();
        two.paths['/things/{other}'] = two.paths['/things/{thing_id}'] as never;
        return compareOperations(documentWith(), two, { operation: OPERATION });
      },
      /several operations GET \/things\/\{\}: \/things\/\{thing_id\}, \/things\/\{other\}/,
    ],
    [
      'an operation that is not METHOD:/path',
      () => compare({}, {}, '/things'),
      /--operation must be METHOD:\/path/,
    ],
    [
      'a method HTTP does not have',
      () => compare({}, {}, 'FETCH:/things/{id}'),
      /--operation must be METHOD:\/path/,
    ],
  ];
  for (const [label, call, message] of errors) {
    it(`refuses ${label}, in one line`, () => expect(call).to.throw(OperationError, message));
  }

  it('refuses a $ref that leads nowhere, naming it', () => {
    expect(() => compare({ body: { $ref: '#/components/schemas/Gone' } }, {})).to.throw(
      SchemaShapeError,
      "Can't resolve $ref at #/components/schemas/Gone",
    );
  });

  it('parses --operation and shapes paths', () => {
    expect(parseOperation(' DELETE:/a/{id} ')).to.deep.equal({ method: 'delete', path: '/a/{id}' });
    expect(pathShape('/organization/projects/{project_id}/api_keys/{api_key_id}')).to.equal(
      '/organization/projects/{}/api_keys/{}',
    );
  });
});

describe("compareOperations: the seed's document against today's", () => {
  const newer = loadDocument(NEWER_SPEC_PATH).document;
  const summary = (from = seed.document, to = newer) =>
    compareOperations(from, to).changes.map((c) => [
      c.kind,
      c.pointer,
      `${c.breaksConsumers ? 'C' : '-'}${c.breaksProviders ? 'P' : '-'}`,
    ]);

  it('finds every change the notes describe, and whom each breaks', () => {
    expect(summary()).to.deep.equal([
      ['parameter-renamed', '/parameters/1', '--'],
      // The seed asks for any API key; today's document for an admin key.
      ['security-removed', '/security/0', 'C-'],
      ['security-added', '/security/0', '-P'],
      ['format-changed', '/created_at', '--'],
      ['property-removed', '/owner/user/object', 'C-'],
      ['enum-removed', '/owner/user/role', 'C-'],
      ['property-removed', '/owner/user/added_at', 'C-'],
      ['required-added', '/owner/user/created_at', '-P'],
      ['property-removed', '/owner/service_account/object', 'C-'],
      ['enum-removed', '/owner/service_account/role', 'C-'],
      ['format-changed', '/owner/service_account/created_at', '--'],
      ['required-added', '/last_used_at', '-P'],
      ['required-added', '/owner_project_access', '-P'],
    ]);
  });

  it('says what each new property is: last_used_at an integer or null, owner_project_access an enum', () => {
    const changes = compareOperations(seed.document, newer).changes;
    expect(changes.find((c) => c.pointer === '/last_used_at')?.to).to.equal('integer | null');
    expect(changes.find((c) => c.pointer === '/owner_project_access')?.to).to.equal('"active" | "inactive"');
  });

  it('the other way round, each change turns into its opposite', () => {
    expect(summary(newer, seed.document).map(([kind, pointer]) => [kind, pointer])).to.have.deep.members([
      ['parameter-renamed', '/parameters/1'],
      ['security-removed', '/security/0'],
      ['security-added', '/security/0'],
      ['format-changed', '/created_at'],
      ['required-added', '/owner/user/object'],
      ['enum-added', '/owner/user/role'],
      ['required-added', '/owner/user/added_at'],
      ['property-removed', '/owner/user/created_at'],
      ['required-added', '/owner/service_account/object'],
      ['enum-added', '/owner/service_account/role'],
      ['format-changed', '/owner/service_account/created_at'],
      ['property-removed', '/last_used_at'],
      ['property-removed', '/owner_project_access'],
    ]);
  });

  it('a document against itself: nothing', () => {
    expect(summary(newer, newer)).to.deep.equal([]);
    expect(summary(seed.document, seed.document)).to.deep.equal([]);
  });
});
