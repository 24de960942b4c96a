import { MatchersV3 } from '@pact-foundation/pact';
import { expect } from 'chai';
import { bodyMatcher, enumPattern, MatcherBuildError } from '../../src/contract/matchers.ts';
import { parsePointer, toPointer, valueAt } from '../../src/core/pointer.ts';
import { componentOfRef, type OpenApiDocument, type SchemaObject } from '../../src/openapi/document.ts';
import { sampleOfComponent } from '../../src/openapi/sample.ts';
import { drop, edited, seed } from '../helpers.ts';

type Node = { 'pact:matcher:type'?: string; regex?: string; value?: unknown; [key: string]: unknown };

/** The matcher node at a pointer of the example body: objects stay plain, arrays sit in eachLike. */
const matcherAt = (template: unknown, pointer: string): Node => {
  let node = template as Node;
  for (const token of parsePointer(pointer)) {
    const container = node['pact:matcher:type'] === 'type' && Array.isArray(node.value) ? node.value : node;
    node = (container as Record<string, Node>)[token] as Node;
  }
  return node;
};

/** Every property the document declares under a component, following $refs, with its resolved schema. */
const declaredProperties = (document: OpenApiDocument, component: string) => {
  const found: { pointer: string; schema: SchemaObject }[] = [];
  const walk = (schema: SchemaObject, path: string[]) => {
    const name = componentOfRef(schema.$ref);
    const resolved = name ? (document.components?.schemas?.[name] as SchemaObject) : schema;
    for (const [property, sub] of Object.entries(
      (resolved.properties ?? {}) as Record<string, SchemaObject>,
    )) {
      const subName = componentOfRef(sub.$ref);
      found.push({
        pointer: toPointer([...path, property]),
        schema: subName ? (document.components?.schemas?.[subName] as SchemaObject) : sub,
      });
      walk(sub, [...path, property]);
    }
  };
  walk({ $ref: `#/components/schemas/${component}` }, []);
  return found;
};

// The sample carries every declared property, both owners included, so every enum is reachable.
const sample = sampleOfComponent('ProjectApiKey', seed.document);
const template = bodyMatcher(seed.document, 'ProjectApiKey', sample);
const properties = declaredProperties(seed.document, 'ProjectApiKey');

describe('bodyMatcher', () => {
  it('finds enums in the seed, constants and multi-valued ones, nested owners included', () => {
    const enums = properties.filter(({ schema }) => Array.isArray(schema.enum)).map(({ pointer }) => pointer);
    expect(enums).to.include.members(['/object', '/owner/type', '/owner/user/role', '/owner/user/object']);
  });

  describe('for each property the document declares', () => {
    for (const { pointer, schema } of properties) {
      const members = schema.enum as string[] | undefined;
      if (members && members.length === 1 && schema['x-stainless-const'] === true) {
        it(`${pointer}: the constant, by equality`, () => {
          expect(matcherAt(template, pointer)).to.deep.equal({
            'pact:matcher:type': 'equality',
            value: members[0],
          });
        });
      } else if (members) {
        it(`${pointer}: a regex of exactly the document's members`, () => {
          const node = matcherAt(template, pointer);
          expect(node['pact:matcher:type']).to.equal('regex');
          const pattern = new RegExp(node.regex as string);
          for (const member of members) expect(member).to.match(pattern);
          for (const other of ['', `${members[0]}x`, `x${members[0]}`, members.join('|')]) {
            expect(other).not.to.match(pattern);
          }
        });
      } else if (schema.type === 'integer') {
        it(`${pointer}: an integer matcher, so a float fails`, () => {
          expect(matcherAt(template, pointer)).to.deep.equal(
            MatchersV3.integer(valueAt(sample, pointer) as number),
          );
        });
      } else if (schema.type === 'string') {
        it(`${pointer}: a type match on the example`, () => {
          expect(matcherAt(template, pointer)).to.deep.equal(MatchersV3.like(valueAt(sample, pointer)));
        });
      } else if (schema.type === 'object' || schema.properties) {
        it(`${pointer}: a plain object, so each key is required`, () => {
          expect(matcherAt(template, pointer)['pact:matcher:type']).to.equal(undefined);
        });
      }
    }
  });

  it('the example is what the matcher reifies to', () => {
    expect(MatchersV3.reify(template)).to.deep.equal(sample);
  });

  it('a new enum member in the document changes the regex without a code edit', () => {
    const document = structuredClone(seed.document);
    const owner = document.components?.schemas?.ProjectApiKey?.properties as Record<string, SchemaObject>;
    ((owner.owner as SchemaObject).properties as Record<string, SchemaObject>).type = {
      type: 'string',
      enum: ['user', 'service_account', 'group'],
    };
    const node = matcherAt(bodyMatcher(document, 'ProjectApiKey', sample), '/owner/type');
    expect('group').to.match(new RegExp(node.regex as string));
    expect('group').not.to.match(new RegExp(matcherAt(template, '/owner/type').regex as string));
  });

  describe('escapes enum members', () => {
    const cases: { members: string[]; matches: string[]; rejects: string[] }[] = [
      { members: ['a.b'], matches: ['a.b'], rejects: ['aXb'] },
      { members: ['c|d', 'x+'], matches: ['c|d', 'x+'], rejects: ['c', 'd', 'xx'] },
      { members: ['(y)', '[z]', '^$\\'], matches: ['(y)', '[z]', '^$\\'], rejects: ['y', 'z', ''] },
    ];
    for (const { members, matches, rejects } of cases) {
      it(JSON.stringify(members), () => {
        const pattern = new RegExp(enumPattern(members));
        for (const text of matches) expect(text).to.match(pattern);
        for (const text of rejects) expect(text).not.to.match(pattern);
      });
    }
  });

  describe('refuses an example its schema forbids', () => {
    const cases: { description: string; example: unknown; pointer: string; reason: RegExp }[] = [
      {
        description: 'a required property missing',
        example: edited(sample, ['/redacted_value', drop]),
        pointer: '/redacted_value',
        reason: /required/,
      },
      {
        description: 'a required property of a nested owner missing',
        example: edited(sample, ['/owner/user/added_at', drop]),
        pointer: '/owner/user/added_at',
        reason: /required/,
      },
      {
        description: 'a property the schema does not declare',
        example: edited(sample, ['/last_used_at', 1711471533]),
        pointer: '/last_used_at',
        reason: /not declared/,
      },
      {
        description: 'a value outside its enum',
        example: edited(sample, ['/owner/type', 'robot']),
        pointer: '/owner/type',
        reason: /not one of/,
      },
      {
        description: 'a fraction where an integer is declared',
        example: edited(sample, ['/created_at', 1.5]),
        pointer: '/created_at',
        reason: /integer/,
      },
      {
        description: 'null where null is not allowed',
        example: edited(sample, ['/name', null]),
        pointer: '/name',
        reason: /null/,
      },
    ];
    for (const { description, example, pointer, reason } of cases) {
      it(description, () => {
        try {
          bodyMatcher(seed.document, 'ProjectApiKey', example);
          expect.fail('bodyMatcher accepted the example');
        } catch (error) {
          expect(error).to.be.instanceOf(MatcherBuildError);
          expect((error as MatcherBuildError).pointer).to.equal(pointer);
          expect((error as MatcherBuildError).reason).to.match(reason);
        }
      });
    }
  });

  describe('other shapes (a document of their own)', () => {
    const document = {
      openapi: '3.1.0',
      info: { version: '1' },
      paths: {},
      components: {
        schemas: {
          Thing: {
            type: 'object',
            properties: {
              tags: { type: 'array', items: { type: 'string' } },
              last_used_at: { type: ['integer', 'null'] },
              score: { type: 'number' },
              enabled: { type: 'boolean' },
              note: { anyOf: [{ type: 'string' }, { type: 'null' }] },
            },
          },
        },
      },
    } as unknown as OpenApiDocument;
    const cases: { description: string; example: unknown; pointer: string; want: unknown }[] = [
      {
        description: 'arrays: each item like the first',
        example: { tags: ['a'] },
        pointer: '/tags',
        want: MatchersV3.eachLike(MatchersV3.string('a'), 1),
      },
      {
        description: 'null where the type allows it',
        example: { last_used_at: null },
        pointer: '/last_used_at',
        want: MatchersV3.nullValue(),
      },
      {
        description: 'an integer where the type allows null',
        example: { last_used_at: 7 },
        pointer: '/last_used_at',
        want: MatchersV3.integer(7),
      },
      { description: 'numbers', example: { score: 0.5 }, pointer: '/score', want: MatchersV3.number(0.5) },
      {
        description: 'booleans',
        example: { enabled: false },
        pointer: '/enabled',
        want: MatchersV3.boolean(false),
      },
      {
        description: 'anyOf X or null, given X',
        example: { note: 'n' },
        pointer: '/note',
        want: MatchersV3.string('n'),
      },
    ];
    for (const { description, example, pointer, want } of cases) {
      it(description, () => {
        expect(matcherAt(bodyMatcher(document, 'Thing', example), pointer)).to.deep.equal(want);
      });
    }
  });
});
