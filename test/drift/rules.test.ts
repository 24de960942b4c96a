import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import { compareOperations } from '../../src/drift/compare.ts';
import { CHANGE_KINDS, type ChangeKind, judge, RULES } from '../../src/drift/rules.ts';
import { documentWith, OPERATION, query } from './documents.ts';

// Each rule of issue 11, one case at a time: two documents that differ in one thing, the one change that
// makes, and whom it breaks. The expectations are the words, not the rules table's.

interface Case {
  rule: string;
  from: Parameters<typeof documentWith>[0];
  to: Parameters<typeof documentWith>[0];
  want: { kind: ChangeKind; pointer: string; breaksConsumers: boolean; breaksProviders: boolean };
}

const object = (properties: Record<string, unknown>, required: string[] = []) => ({
  type: 'object',
  properties,
  ...(required.length > 0 ? { required } : {}),
});
const STRING = { type: 'string' };
const BEARER = { type: 'http', scheme: 'bearer' };

const CASES: Case[] = [
  // For a response:
  {
    rule: 'a property removed breaks consumers',
    from: { body: object({ a: STRING, b: STRING }) },
    to: { body: object({ a: STRING }) },
    want: { kind: 'property-removed', pointer: '/b', breaksConsumers: true, breaksProviders: false },
  },
  {
    rule: 'a property no longer required breaks consumers',
    from: { body: object({ a: STRING }, ['a']) },
    to: { body: object({ a: STRING }) },
    want: { kind: 'required-removed', pointer: '/a', breaksConsumers: true, breaksProviders: false },
  },
  {
    rule: 'a newly required property breaks providers built to the old document',
    from: { body: object({ a: STRING }) },
    to: { body: object({ a: STRING }, ['a']) },
    want: { kind: 'required-added', pointer: '/a', breaksConsumers: false, breaksProviders: true },
  },
  {
    rule: 'a new required property breaks providers built to the old document',
    from: { body: object({ a: STRING }) },
    to: { body: object({ a: STRING, b: { type: 'integer' } }, ['b']) },
    want: { kind: 'required-added', pointer: '/b', breaksConsumers: false, breaksProviders: true },
  },
  {
    rule: 'a new optional property breaks no one',
    from: { body: object({ a: STRING }) },
    to: { body: object({ a: STRING, b: STRING }) },
    want: { kind: 'property-added', pointer: '/b', breaksConsumers: false, breaksProviders: false },
  },
  {
    rule: 'an enum value added breaks consumers (they meet a value they do not know)',
    from: { body: object({ role: { type: 'string', enum: ['owner'] } }) },
    to: { body: object({ role: { type: 'string', enum: ['owner', 'member'] } }) },
    want: { kind: 'enum-value-added', pointer: '/role', breaksConsumers: true, breaksProviders: false },
  },
  {
    rule: 'an enum dropped (any string now) breaks consumers, who meet values they do not know',
    from: { body: object({ role: { type: 'string', enum: ['owner', 'member'] } }) },
    to: { body: object({ role: STRING }) },
    want: { kind: 'enum-removed', pointer: '/role', breaksConsumers: true, breaksProviders: false },
  },
  {
    rule: 'an enum value removed breaks providers',
    from: { body: object({ role: { type: 'string', enum: ['owner', 'member'] } }) },
    to: { body: object({ role: { type: 'string', enum: ['owner'] } }) },
    want: { kind: 'enum-value-removed', pointer: '/role', breaksConsumers: false, breaksProviders: true },
  },
  {
    rule: 'an enum brought in where any string was allowed breaks providers, who may send other values',
    from: { body: object({ role: STRING }) },
    to: { body: object({ role: { type: 'string', enum: ['owner'] } }) },
    want: { kind: 'enum-added', pointer: '/role', breaksConsumers: false, breaksProviders: true },
  },
  {
    rule: 'a type change breaks both',
    from: { body: object({ created_at: { type: 'integer' } }) },
    to: { body: object({ created_at: STRING }) },
    want: { kind: 'type-changed', pointer: '/created_at', breaksConsumers: true, breaksProviders: true },
  },
  {
    rule: 'null newly allowed breaks consumers (3.0 nullable)',
    from: { body: object({ at: { type: 'integer' } }) },
    to: { body: object({ at: { type: 'integer', nullable: true } }) },
    want: { kind: 'nullable-added', pointer: '/at', breaksConsumers: true, breaksProviders: false },
  },
  {
    rule: 'null newly allowed breaks consumers (3.0 to 3.1 anyOf with null)',
    from: { body: object({ at: { type: 'integer' } }) },
    to: { openapi: '3.1.0', body: object({ at: { anyOf: [{ type: 'integer' }, { type: 'null' }] } }) },
    want: { kind: 'nullable-added', pointer: '/at', breaksConsumers: true, breaksProviders: false },
  },
  {
    rule: 'null no longer allowed breaks providers that still send it',
    from: { openapi: '3.1.0', body: object({ at: { type: ['integer', 'null'] } }) },
    to: { body: object({ at: { type: 'integer' } }) },
    want: { kind: 'nullable-removed', pointer: '/at', breaksConsumers: false, breaksProviders: true },
  },
  {
    rule: 'a changed format annotation breaks no one',
    from: { body: object({ created_at: { type: 'integer' } }) },
    to: { openapi: '3.1.0', body: object({ created_at: { type: 'integer', format: 'unixtime' } }) },
    want: { kind: 'format-changed', pointer: '/created_at', breaksConsumers: false, breaksProviders: false },
  },
  {
    rule: 'a constraint tightened breaks providers, who may still send what is now invalid',
    from: { body: object({ name: STRING }) },
    to: { body: object({ name: { type: 'string', maxLength: 3 } }) },
    want: { kind: 'constraint-tightened', pointer: '/name', breaksConsumers: false, breaksProviders: true },
  },
  {
    rule: 'a constraint loosened breaks consumers, who may now get what they did not expect',
    from: { body: object({ n: { type: 'integer', minimum: 1 } }) },
    to: { body: object({ n: { type: 'integer' } }) },
    want: { kind: 'constraint-loosened', pointer: '/n', breaksConsumers: true, breaksProviders: false },
  },
  {
    rule: 'a constraint changed neither tighter nor looser (a pattern) may break both',
    from: { body: object({ name: { type: 'string', pattern: '^a' } }) },
    to: { body: object({ name: { type: 'string', pattern: '^b' } }) },
    want: { kind: 'constraint-changed', pointer: '/name', breaksConsumers: true, breaksProviders: true },
  },
  {
    rule: 'a changed default breaks no one on the wire',
    from: { body: object({ n: { type: 'integer', default: 1 } }) },
    to: { body: object({ n: { type: 'integer', default: 2 } }) },
    want: { kind: 'default-changed', pointer: '/n', breaksConsumers: false, breaksProviders: false },
  },
  {
    rule: 'a oneOf branch added breaks consumers, who meet a variant they do not know',
    from: { body: object({ v: { oneOf: [STRING, { type: 'integer' }] } }) },
    to: { body: object({ v: { oneOf: [STRING, { type: 'integer' }, { type: 'boolean' }] } }) },
    want: { kind: 'branch-added', pointer: '/v/oneOf/2', breaksConsumers: true, breaksProviders: false },
  },
  {
    rule: 'a oneOf branch removed breaks providers, who may still send it',
    from: { body: object({ v: { oneOf: [STRING, { type: 'integer' }, { type: 'boolean' }] } }) },
    to: { body: object({ v: { oneOf: [STRING, { type: 'boolean' }] } }) },
    want: { kind: 'branch-removed', pointer: '/v/oneOf/1', breaksConsumers: false, breaksProviders: true },
  },
  {
    rule: 'a renamed path parameter breaks no one',
    from: { path: '/things/{thing_id}' },
    to: { path: '/things/{id}' },
    want: {
      kind: 'parameter-renamed',
      pointer: '/parameters/0',
      breaksConsumers: false,
      breaksProviders: false,
    },
  },
  {
    rule: 'a status newly documented breaks consumers (they meet a status they do not handle)',
    from: {},
    to: { statuses: ['404'] },
    want: { kind: 'status-added', pointer: '/responses/404', breaksConsumers: true, breaksProviders: false },
  },
  {
    rule: 'a status no longer documented breaks providers that still answer it',
    from: { statuses: ['404'] },
    to: {},
    want: {
      kind: 'status-removed',
      pointer: '/responses/404',
      breaksConsumers: false,
      breaksProviders: true,
    },
  },
  // For a request the reader is the provider and the writer the consumer: the same rules, turned round.
  {
    rule: 'request: a new required query parameter breaks consumers, who do not send it',
    from: {},
    to: { parameters: [query('limit', true)] },
    want: { kind: 'required-added', pointer: '/parameters/1', breaksConsumers: true, breaksProviders: false },
  },
  {
    rule: 'request: a new optional query parameter breaks no one',
    from: {},
    to: { parameters: [query('limit', false)] },
    want: {
      kind: 'property-added',
      pointer: '/parameters/1',
      breaksConsumers: false,
      breaksProviders: false,
    },
  },
  {
    rule: 'request: a query parameter no longer required breaks providers that rely on it',
    from: { parameters: [query('limit', true)] },
    to: { parameters: [query('limit', false)] },
    want: {
      kind: 'required-removed',
      pointer: '/parameters/1',
      breaksConsumers: false,
      breaksProviders: true,
    },
  },
  {
    rule: 'request: an enum value added to a parameter breaks providers, who meet a value they do not know',
    from: { parameters: [{ ...query('order', false), schema: { type: 'string', enum: ['asc'] } }] },
    to: { parameters: [{ ...query('order', false), schema: { type: 'string', enum: ['asc', 'desc'] } }] },
    want: {
      kind: 'enum-value-added',
      pointer: '/parameters/1/schema',
      breaksConsumers: false,
      breaksProviders: true,
    },
  },
  // Credentials are part of the request: the consumer sends them, the provider checks them.
  {
    rule: 'request: a security alternative added breaks providers, who may refuse it',
    from: { security: [{ Key: [] }] },
    to: { security: [{ Key: [] }, { Other: [] }] },
    want: { kind: 'security-added', pointer: '/security/1', breaksConsumers: false, breaksProviders: true },
  },
  {
    rule: 'request: a security alternative removed breaks consumers who use it',
    from: { security: [{ Key: [] }, { Other: [] }] },
    to: { security: [{ Other: [] }] },
    want: { kind: 'security-removed', pointer: '/security/0', breaksConsumers: true, breaksProviders: false },
  },
  {
    rule: 'request: a scope added breaks consumers whose tokens lack it',
    from: { security: [{ OAuth: [] }] },
    to: { security: [{ OAuth: ['write'] }] },
    want: {
      kind: 'security-scopes-added',
      pointer: '/security/0/OAuth',
      breaksConsumers: true,
      breaksProviders: false,
    },
  },
  {
    rule: 'request: a scope removed breaks providers that still demand it',
    from: { security: [{ OAuth: ['write'] }] },
    to: { security: [{ OAuth: [] }] },
    want: {
      kind: 'security-scopes-removed',
      pointer: '/security/0/OAuth',
      breaksConsumers: false,
      breaksProviders: true,
    },
  },
  {
    rule: "request: a scheme's definition changed breaks both",
    from: { security: [{ Key: [] }] },
    to: {
      security: [{ Key: [] }],
      sections: { securitySchemes: { Key: { type: 'apiKey', in: 'query', name: 'k' } } },
    },
    want: {
      kind: 'security-scheme-changed',
      pointer: '/security/0/Key',
      breaksConsumers: true,
      breaksProviders: true,
    },
  },
];

describe('drift rules, one by one', () => {
  for (const { rule, from, to, want } of CASES) {
    it(rule, () => {
      const schemes = { securitySchemes: { Key: BEARER, Other: BEARER, OAuth: BEARER } };
      const { changes } = compareOperations(
        documentWith({ sections: schemes, ...from }),
        documentWith({ sections: schemes, ...to }),
        { operation: OPERATION },
      );
      expect(
        changes.map(({ kind, pointer, breaksConsumers, breaksProviders }) => ({
          kind,
          pointer,
          breaksConsumers,
          breaksProviders,
        })),
      ).to.deep.equal([want]);
      // The message says the change, then why, in the words of the side it is on.
      const side = /^\/(parameters|security)/.test(want.pointer) ? 'request' : 'response';
      expect(changes[0]?.message).to.match(/^\S.*: /);
      expect(changes[0]?.message.endsWith(`: ${judge(want.kind, side).why}`)).to.equal(true);
    });
  }

  it('every kind of change has a rule and a case above', () => {
    expect(Object.keys(RULES)).to.have.members([...CHANGE_KINDS]);
    expect(new Set(CASES.map((c) => c.want.kind))).to.have.all.keys(...CHANGE_KINDS);
  });

  it("every kind of change is in the README's kind table", () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const table = readme.slice(readme.indexOf('| kind | in a response it breaks | why |'));
    const rows = table.slice(0, table.indexOf('\n\n'));
    for (const kind of CHANGE_KINDS) expect(rows, kind).to.include(`\`${kind}\``);
  });

  it('says why in the words of the side: a response breaks consumers as readers, a request providers', () => {
    expect(judge('enum-value-added', 'response')).to.deep.equal({
      breaksConsumers: true,
      breaksProviders: false,
      why: 'consumers meet a value they do not know',
    });
    expect(judge('enum-value-added', 'request')).to.deep.equal({
      breaksConsumers: false,
      breaksProviders: true,
      why: 'providers meet a value they do not know',
    });
  });
});
