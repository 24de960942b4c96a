import { expect } from 'chai';
import { compareOperations } from '../../src/drift/compare.ts';
import { type DocumentParts, documentWith, OPERATION } from './documents.ts';

// Every JSON Schema keyword that changes what is valid, each way it can move, in a response body and in a
// request parameter. A response's writer is the provider: tightening breaks it (it may still send what is
// now invalid), loosening breaks the consumer (it may now get what it did not expect). In a request the
// parties swap. Each row differs in one keyword; the row says the change that makes and whom it breaks.

type Breaks = 'C-' | '-P' | 'CP' | '--';
type Versions = [DocumentParts['openapi'], DocumentParts['openapi']];
const THREE_ZERO: Versions = ['3.0.0', '3.0.0'];
/** kind, keyword, pointer, whom it breaks (C: consumers, P: providers). */
type Want = [kind: string, keyword: string, pointer: string, breaks: Breaks];

interface Row {
  row: string;
  from: unknown;
  to: unknown;
  want: Want[];
  /** Default 3.0.0 for both; 3.1 rows say so. */
  openapi?: Versions;
}

const at = (schema: unknown) => ({ type: 'object', properties: { at: schema } });
const text = (more: object = {}) => ({ type: 'string', ...more });
const number = (more: object = {}) => ({ type: 'number', ...more });
const list = (more: object = {}) => ({ type: 'array', items: { type: 'string' }, ...more });
const map = (more: object = {}) => ({ type: 'object', ...more });
const components = { Name: text({ maxLength: 3 }) };
const THREE_ONE: Versions = ['3.1.0', '3.1.0'];

const tightened = (keyword: string, pointer = '/at'): Want => [
  'constraint-tightened',
  keyword,
  pointer,
  '-P',
];
const loosened = (keyword: string, pointer = '/at'): Want => ['constraint-loosened', keyword, pointer, 'C-'];
const changed = (keyword: string, pointer = '/at'): Want => ['constraint-changed', keyword, pointer, 'CP'];

const RESPONSE_ROWS: Row[] = [
  // Strings.
  { row: 'maxLength added', from: text(), to: text({ maxLength: 3 }), want: [tightened('maxLength')] },
  {
    row: 'maxLength lowered',
    from: text({ maxLength: 10 }),
    to: text({ maxLength: 3 }),
    want: [tightened('maxLength')],
  },
  {
    row: 'maxLength raised',
    from: text({ maxLength: 3 }),
    to: text({ maxLength: 10 }),
    want: [loosened('maxLength')],
  },
  { row: 'maxLength removed', from: text({ maxLength: 3 }), to: text(), want: [loosened('maxLength')] },
  { row: 'minLength added', from: text(), to: text({ minLength: 1 }), want: [tightened('minLength')] },
  {
    row: 'minLength raised',
    from: text({ minLength: 1 }),
    to: text({ minLength: 2 }),
    want: [tightened('minLength')],
  },
  {
    row: 'minLength lowered',
    from: text({ minLength: 2 }),
    to: text({ minLength: 1 }),
    want: [loosened('minLength')],
  },
  { row: 'minLength removed', from: text({ minLength: 2 }), to: text(), want: [loosened('minLength')] },
  { row: 'pattern added', from: text(), to: text({ pattern: '^[a-z]+$' }), want: [tightened('pattern')] },
  { row: 'pattern removed', from: text({ pattern: '^[a-z]+$' }), to: text(), want: [loosened('pattern')] },
  {
    row: 'pattern changed: tighter or looser cannot be told, so it may break both',
    from: text({ pattern: '^[a-z]+$' }),
    to: text({ pattern: '^[a-z0-9]{1,8}$' }),
    want: [changed('pattern')],
  },
  // Numbers: 3.0's boolean exclusive* and 3.1's numbers are one bound.
  { row: 'minimum added', from: number(), to: number({ minimum: 0 }), want: [tightened('minimum')] },
  {
    row: 'minimum raised',
    from: number({ minimum: 0 }),
    to: number({ minimum: 1 }),
    want: [tightened('minimum')],
  },
  {
    row: 'minimum lowered',
    from: number({ minimum: 1 }),
    to: number({ minimum: 0 }),
    want: [loosened('minimum')],
  },
  { row: 'minimum removed', from: number({ minimum: 1 }), to: number(), want: [loosened('minimum')] },
  { row: 'maximum added', from: number(), to: number({ maximum: 9 }), want: [tightened('maximum')] },
  {
    row: 'maximum lowered',
    from: number({ maximum: 9 }),
    to: number({ maximum: 5 }),
    want: [tightened('maximum')],
  },
  {
    row: 'maximum raised',
    from: number({ maximum: 5 }),
    to: number({ maximum: 9 }),
    want: [loosened('maximum')],
  },
  { row: 'maximum removed', from: number({ maximum: 5 }), to: number(), want: [loosened('maximum')] },
  {
    row: 'exclusiveMinimum made exclusive (3.0 boolean)',
    from: number({ minimum: 0 }),
    to: number({ minimum: 0, exclusiveMinimum: true }),
    want: [tightened('exclusiveMinimum')],
  },
  {
    row: 'exclusiveMinimum made inclusive (3.0 boolean)',
    from: number({ minimum: 0, exclusiveMinimum: true }),
    to: number({ minimum: 0 }),
    want: [loosened('minimum')],
  },
  {
    row: 'exclusiveMinimum added (3.1 number)',
    openapi: THREE_ONE,
    from: number(),
    to: number({ exclusiveMinimum: 0 }),
    want: [tightened('exclusiveMinimum')],
  },
  {
    row: 'exclusiveMinimum (3.1) lowered below an inclusive minimum (3.0)',
    openapi: ['3.0.0', '3.1.0'],
    from: number({ minimum: 0 }),
    to: number({ exclusiveMinimum: -1 }),
    want: [loosened('exclusiveMinimum')],
  },
  {
    row: 'exclusiveMaximum made exclusive (3.0 boolean)',
    from: number({ maximum: 9 }),
    to: number({ maximum: 9, exclusiveMaximum: true }),
    want: [tightened('exclusiveMaximum')],
  },
  {
    row: 'exclusiveMaximum (3.1) removed',
    openapi: THREE_ONE,
    from: number({ exclusiveMaximum: 9 }),
    to: number(),
    want: [loosened('exclusiveMaximum')],
  },
  {
    row: 'exclusiveMaximum (3.1) made inclusive at the same value',
    openapi: THREE_ONE,
    from: number({ exclusiveMaximum: 9 }),
    to: number({ maximum: 9 }),
    want: [loosened('maximum')],
  },
  { row: 'multipleOf added', from: number(), to: number({ multipleOf: 2 }), want: [tightened('multipleOf')] },
  {
    row: 'multipleOf to a multiple of it (2 → 4)',
    from: number({ multipleOf: 2 }),
    to: number({ multipleOf: 4 }),
    want: [tightened('multipleOf')],
  },
  {
    row: 'multipleOf to a divisor of it (4 → 2)',
    from: number({ multipleOf: 4 }),
    to: number({ multipleOf: 2 }),
    want: [loosened('multipleOf')],
  },
  {
    row: 'multipleOf to neither (2 → 3): may break both',
    from: number({ multipleOf: 2 }),
    to: number({ multipleOf: 3 }),
    want: [changed('multipleOf')],
  },
  {
    row: 'multipleOf to a decimal divisor (0.1 → 0.01)',
    from: number({ multipleOf: 0.1 }),
    to: number({ multipleOf: 0.01 }),
    want: [loosened('multipleOf')],
  },
  {
    row: 'multipleOf removed',
    from: number({ multipleOf: 2 }),
    to: number(),
    want: [loosened('multipleOf')],
  },
  // Arrays.
  { row: 'minItems added', from: list(), to: list({ minItems: 1 }), want: [tightened('minItems')] },
  {
    row: 'minItems lowered',
    from: list({ minItems: 2 }),
    to: list({ minItems: 1 }),
    want: [loosened('minItems')],
  },
  { row: 'maxItems added', from: list(), to: list({ maxItems: 5 }), want: [tightened('maxItems')] },
  {
    row: 'maxItems raised',
    from: list({ maxItems: 5 }),
    to: list({ maxItems: 9 }),
    want: [loosened('maxItems')],
  },
  {
    row: 'uniqueItems added',
    from: list(),
    to: list({ uniqueItems: true }),
    want: [tightened('uniqueItems')],
  },
  {
    row: 'uniqueItems removed',
    from: list({ uniqueItems: true }),
    to: list({ uniqueItems: false }),
    want: [loosened('uniqueItems')],
  },
  // Objects.
  {
    row: 'minProperties added',
    from: map(),
    to: map({ minProperties: 1 }),
    want: [tightened('minProperties')],
  },
  {
    row: 'minProperties lowered',
    from: map({ minProperties: 2 }),
    to: map({ minProperties: 1 }),
    want: [loosened('minProperties')],
  },
  {
    row: 'maxProperties lowered',
    from: map({ maxProperties: 5 }),
    to: map({ maxProperties: 2 }),
    want: [tightened('maxProperties')],
  },
  {
    row: 'maxProperties removed',
    from: map({ maxProperties: 5 }),
    to: map(),
    want: [loosened('maxProperties')],
  },
  {
    row: 'additionalProperties: false where any was allowed',
    from: map(),
    to: map({ additionalProperties: false }),
    want: [tightened('additionalProperties')],
  },
  {
    row: 'additionalProperties: false → true',
    from: map({ additionalProperties: false }),
    to: map({ additionalProperties: true }),
    want: [loosened('additionalProperties')],
  },
  {
    row: 'additionalProperties: true → a schema',
    from: map({ additionalProperties: true }),
    to: map({ additionalProperties: { type: 'string' } }),
    want: [tightened('additionalProperties')],
  },
  {
    row: 'additionalProperties: false → a schema',
    from: map({ additionalProperties: false }),
    to: map({ additionalProperties: { type: 'string' } }),
    want: [loosened('additionalProperties')],
  },
  {
    row: 'additionalProperties: a schema → false',
    from: map({ additionalProperties: { type: 'string' } }),
    to: map({ additionalProperties: false }),
    want: [tightened('additionalProperties')],
  },
  {
    row: 'additionalProperties: a schema dropped (any allowed)',
    from: map({ additionalProperties: { type: 'string' } }),
    to: map(),
    want: [loosened('additionalProperties')],
  },
  {
    row: 'additionalProperties: a schema changed inside, at /additionalProperties',
    from: map({ additionalProperties: { type: 'string' } }),
    to: map({ additionalProperties: { type: 'string', maxLength: 3 } }),
    want: [tightened('maxLength', '/at/additionalProperties')],
  },
  // const is a one-value enum; an enum dropped or brought in is named as such.
  {
    row: 'const added',
    openapi: THREE_ONE,
    from: text(),
    to: text({ const: 'a' }),
    want: [['enum-added', 'enum', '/at', '-P']],
  },
  {
    row: 'const removed',
    openapi: THREE_ONE,
    from: text({ const: 'a' }),
    to: text(),
    want: [['enum-removed', 'enum', '/at', 'C-']],
  },
  {
    row: 'const changed',
    openapi: THREE_ONE,
    from: text({ const: 'a' }),
    to: text({ const: 'b' }),
    want: [
      ['enum-value-added', 'enum', '/at', 'C-'],
      ['enum-value-removed', 'enum', '/at', '-P'],
    ],
  },
  {
    row: 'enum dropped',
    from: text({ enum: ['a', 'b'] }),
    to: text(),
    want: [['enum-removed', 'enum', '/at', 'C-']],
  },
  {
    row: 'enum brought in',
    from: text(),
    to: text({ enum: ['a', 'b'] }),
    want: [['enum-added', 'enum', '/at', '-P']],
  },
  // default: every value valid before is valid after; what an absent value means has moved.
  {
    row: 'default added',
    from: number(),
    to: number({ default: 1 }),
    want: [['default-changed', 'default', '/at', '--']],
  },
  {
    row: 'default changed',
    from: number({ default: 1 }),
    to: number({ default: 2 }),
    want: [['default-changed', 'default', '/at', '--']],
  },
  {
    row: 'default removed',
    from: number({ default: 1 }),
    to: number(),
    want: [['default-changed', 'default', '/at', '--']],
  },
  // oneOf/anyOf: branches added, removed and changed inside, the pointer naming the branch.
  {
    row: 'oneOf branch added',
    from: { oneOf: [text(), number()] },
    to: { oneOf: [text(), number(), { type: 'boolean' }] },
    want: [['branch-added', 'oneOf', '/at/oneOf/2', 'C-']],
  },
  {
    row: 'oneOf branch removed',
    from: { oneOf: [text(), number(), { type: 'boolean' }] },
    to: { oneOf: [text(), { type: 'boolean' }] },
    want: [['branch-removed', 'oneOf', '/at/oneOf/1', '-P']],
  },
  {
    row: 'anyOf branch added',
    from: { anyOf: [text(), number()] },
    to: { anyOf: [text(), number(), list()] },
    want: [['branch-added', 'anyOf', '/at/anyOf/2', 'C-']],
  },
  {
    row: 'anyOf branch swapped for another',
    from: { anyOf: [text(), number()] },
    to: { anyOf: [{ type: 'boolean' }, text()] },
    want: [
      ['branch-removed', 'anyOf', '/at/anyOf/1', '-P'],
      ['branch-added', 'anyOf', '/at/anyOf/0', 'C-'],
    ],
  },
  {
    row: 'anyOf branch removed',
    from: { anyOf: [text(), number(), list()] },
    to: { anyOf: [text(), list()] },
    want: [['branch-removed', 'anyOf', '/at/anyOf/1', '-P']],
  },
  {
    row: 'a plain schema turned into a oneOf with a second branch',
    from: text({ maxLength: 3 }),
    to: { oneOf: [text({ maxLength: 3 }), number()] },
    want: [['branch-added', 'oneOf', '/at/oneOf/1', 'C-']],
  },
  {
    row: 'a oneOf narrowed to one of its branches, tightened on the way',
    from: { oneOf: [text(), number()] },
    to: number({ minimum: 0 }),
    want: [['branch-removed', 'oneOf', '/at/oneOf/0', '-P'], tightened('minimum')],
  },
  {
    row: 'null dropped from a oneOf: the null, not a branch',
    openapi: THREE_ONE,
    from: { oneOf: [text(), number(), { type: 'null' }] },
    to: { oneOf: [text(), number()] },
    want: [['nullable-removed', 'nullable', '/at', '-P']],
  },
  {
    row: 'a branch matched by its $ref though it moved',
    from: { oneOf: [{ $ref: '#/components/schemas/Name' }, number()] },
    to: { oneOf: [number(), { $ref: '#/components/schemas/Name' }, { type: 'boolean' }] },
    want: [['branch-added', 'oneOf', '/at/oneOf/2', 'C-']],
  },
  {
    row: 'a constraint tightened inside a oneOf branch',
    from: { oneOf: [text(), number()] },
    to: { oneOf: [text(), number({ maximum: 9 })] },
    want: [tightened('maximum', '/at/oneOf/1')],
  },
  {
    row: 'a property removed inside an anyOf branch',
    from: { anyOf: [map({ properties: { x: text(), y: text() } }), number()] },
    to: { anyOf: [map({ properties: { x: text() } }), number()] },
    want: [['property-removed', 'properties', '/at/anyOf/0/y', 'C-']],
  },
  {
    row: 'oneOf → anyOf: a value may now match several branches',
    from: { oneOf: [text(), number()] },
    to: { anyOf: [text(), number()] },
    want: [loosened('anyOf')],
  },
  {
    row: 'anyOf → oneOf: a value must now match exactly one branch',
    from: { anyOf: [text(), number()] },
    to: { oneOf: [text(), number()] },
    want: [tightened('oneOf')],
  },
  // allOf: every branch holds on the same value, so what a branch brings is reported at the value.
  {
    row: 'allOf branch added with a maxLength',
    from: { allOf: [text()] },
    to: { allOf: [text(), { maxLength: 3 }] },
    want: [tightened('maxLength')],
  },
  {
    row: 'allOf branch removed that required a property',
    from: { allOf: [map({ properties: { x: text() } }), { required: ['x'] }] },
    to: { allOf: [map({ properties: { x: text() } })] },
    want: [['required-removed', 'required', '/at/x', 'C-']],
  },
  {
    row: 'a constraint loosened inside an allOf branch',
    from: { allOf: [number({ minimum: 1 }), { maximum: 9 }] },
    to: { allOf: [number({ minimum: 0 }), { maximum: 9 }] },
    want: [loosened('minimum')],
  },
];

// The same keywords on a query parameter: the provider reads, the consumer writes.
const param = (schema: unknown) => [{ name: 'q', in: 'query', required: false, schema }];
const REQUEST_ROWS: Row[] = [
  {
    row: 'maxLength added',
    from: text(),
    to: text({ maxLength: 3 }),
    want: [['constraint-tightened', 'maxLength', '/parameters/1/schema', 'C-']],
  },
  {
    row: 'minimum lowered',
    from: number({ minimum: 1 }),
    to: number({ minimum: 0 }),
    want: [['constraint-loosened', 'minimum', '/parameters/1/schema', '-P']],
  },
  {
    row: 'pattern changed',
    from: text({ pattern: '^a' }),
    to: text({ pattern: '^b' }),
    want: [['constraint-changed', 'pattern', '/parameters/1/schema', 'CP']],
  },
  {
    row: 'default changed',
    from: number({ default: 20 }),
    to: number({ default: 10 }),
    want: [['default-changed', 'default', '/parameters/1/schema', '--']],
  },
];

// Two spellings of one set of valid values: nothing to report.
const SAME: [string, unknown, unknown, Versions?][] = [
  [
    '3.0 exclusiveMaximum: true and 3.1 exclusiveMaximum: 9',
    number({ maximum: 9, exclusiveMaximum: true }),
    number({ exclusiveMaximum: 9 }),
    ['3.0.0', '3.1.0'],
  ],
  [
    '3.1 minimum beside a looser exclusiveMinimum and minimum alone',
    number({ minimum: 5, exclusiveMinimum: 1 }),
    number({ minimum: 5 }),
    THREE_ONE,
  ],
  ['minLength 0 and no minLength', text({ minLength: 0 }), text()],
  ['a maxLength on a number, where it does not apply', number(), number({ maxLength: 3 })],
  ['uniqueItems false and none', list({ uniqueItems: false }), list()],
  [
    'additionalProperties true, {} and none',
    map({ additionalProperties: true }),
    map({ additionalProperties: {} }),
  ],
  ['oneOf branches reordered', { oneOf: [text(), number()] }, { oneOf: [number(), text()] }],
  [
    'allOf of two constraints and both in one schema',
    { allOf: [text({ maxLength: 3 }), { pattern: '^a' }] },
    text({ maxLength: 3, pattern: '^a' }),
  ],
  [
    'a maxLength on a $ref and the same inline',
    { $ref: '#/components/schemas/Name' },
    text({ maxLength: 3 }),
  ],
];

const summary = (from: DocumentParts, to: DocumentParts): Want[] =>
  compareOperations(documentWith(from), documentWith(to), { operation: OPERATION }).changes.map((c) => [
    c.kind,
    c.keyword,
    c.pointer,
    `${c.breaksConsumers ? 'C' : '-'}${c.breaksProviders ? 'P' : '-'}` as Breaks,
  ]);

describe('drift: every keyword that changes what is valid, each way', () => {
  describe('in a response body', () => {
    for (const { row, from, to, want, openapi = THREE_ZERO } of RESPONSE_ROWS) {
      it(`${row}: ${want.map(([kind, , , breaks]) => `${kind} ${breaks}`).join(', ')}`, () => {
        expect(
          summary(
            { openapi: openapi[0], body: at(from), components },
            { openapi: openapi[1], body: at(to), components },
          ),
        ).to.deep.equal(want);
      });
    }
  });

  describe('in a request parameter, the parties swapped', () => {
    for (const { row, from, to, want } of REQUEST_ROWS) {
      it(`${row}: ${want.map(([kind, , , breaks]) => `${kind} ${breaks}`).join(', ')}`, () => {
        expect(summary({ parameters: param(from) }, { parameters: param(to) })).to.deep.equal(want);
      });
    }
  });

  describe('two spellings of the same constraint', () => {
    for (const [label, from, to, openapi = THREE_ZERO] of SAME) {
      it(`no change: ${label}`, () => {
        expect(
          summary(
            { openapi: openapi[0], body: at(from), components },
            { openapi: openapi[1], body: at(to), components },
          ),
        ).to.deep.equal([]);
      });
    }
  });

  it('says the values: from and to, and the keyword in the message', () => {
    const changes = compareOperations(
      documentWith({ body: at(number({ minimum: 0 })) }),
      documentWith({ openapi: '3.1.0', body: at(number({ exclusiveMinimum: 0 })) }),
      { operation: OPERATION },
    ).changes;
    expect(changes.map((c) => [c.keyword, c.from, c.to])).to.deep.equal([
      ['exclusiveMinimum', '>= 0', '> 0'],
    ]);
    expect(changes[0]?.message).to.match(/^property \/at: minimum >= 0 → exclusiveMinimum > 0: providers /);
  });
});
