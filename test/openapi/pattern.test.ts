import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ValidateFunction } from 'ajv';
import { expect } from 'chai';
import {
  type OpenApiDocument,
  parseDocument,
  type SchemaObject,
  SpecError,
} from '../../src/openapi/document.ts';
import { generatedFiles } from '../../src/openapi/generated-source.ts';
import { CLOSED_ID_BASE, compileValidators, type SchemaValidators } from '../../src/openapi/validators.ts';
import {
  CATASTROPHIC_DOCUMENT,
  CATASTROPHIC_PATTERN,
  HEAVY_PATTERN_DOCUMENTS,
  PATTERN_WORK_MESSAGE,
} from './hostile-documents.ts';

// A document's patterns run in time linear in the text (RE2, src/openapi/pattern.ts), in the validators
// ajv compiles at run time and in the standalone ones the build generates. A backtracking engine takes
// 2^n steps on the hostile rows: they end here only because the engine is linear (and the answers are
// RE2's, which for these patterns are ECMAScript's).

const documentWith = (schemas: Record<string, SchemaObject>): OpenApiDocument => ({
  openapi: '3.0.0',
  info: { version: '1' },
  paths: {},
  components: { schemas },
});

const LONG = 'a'.repeat(100_000);

describe('document patterns', () => {
  describe('run in linear time, with ECMAScript’s answers', () => {
    const cases: [label: string, pattern: string, text: string, matches: boolean][] = [
      ['catastrophic, no match in 100,000 characters', CATASTROPHIC_PATTERN, LONG, false],
      ['catastrophic, a match in 100,000 characters', CATASTROPHIC_PATTERN, `${LONG}!`, true],
      ['nested quantifiers, no match', '^(a+)+$', `${LONG}b`, false],
      ['overlapping alternatives, a match', '^(a|aa)+$', LONG, true],
      ['an id shape, a match', '^key_[A-Za-z0-9]+$', 'key_abc123', true],
      ['an id shape, no match', '^key_[A-Za-z0-9]+$', 'key-abc', false],
      ['unanchored: anywhere in the text', '\\d{3}', 'ab123c', true],
      ['a bounded repetition', '^[a-z]{2,4}$', 'abcde', false],
      ['a \\u escape', '^\\u00e9$', 'é', true],
      ['a Unicode property', '^\\p{L}+$', 'héllo', true],
      ['an escaped slash', '^a\\/b$', 'a/b', true],
      ['a named group', '^(?<year>\\d{4})-\\d{2}$', '2024-05', true],
    ];
    // One document, a component per case: compiled once.
    let validators: SchemaValidators;
    before(() => {
      validators = compileValidators(
        documentWith({
          ...Object.fromEntries(cases.map(([, pattern], i) => [`Case${i}`, { type: 'string', pattern }])),
          Map: { type: 'object', patternProperties: { [CATASTROPHIC_PATTERN]: { type: 'integer' } } },
        }),
      );
    });
    cases.forEach(([label, pattern, text, matches], i) => {
      it(label, () => {
        expect(validators.validate(`Case${i}`, text).valid).to.equal(matches);
        if (text.length < 100) expect(new RegExp(pattern, 'u').test(text), 'as ECMAScript').to.equal(matches);
      });
    });

    it('patternProperties too', () => {
      expect(validators.validate('Map', { [LONG]: 'any' }).valid).to.equal(true);
      expect(validators.validate('Map', { [`${LONG}!`]: 'not an integer' }).valid).to.equal(false);
    });
  });

  it('in the standalone validators the build generates for a document, too', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pattern-'));
    try {
      const path = join(dir, 'catastrophic.json');
      writeFileSync(path, CATASTROPHIC_DOCUMENT);
      const code = generatedFiles([path]).get('validators/catastrophic.full.cjs') as string;
      expect(code).to.contain('require("re2js")').and.not.to.contain('new RegExp');
      const module = { exports: {} as Record<string, ValidateFunction> };
      new Function('require', 'module', 'exports', code)(
        createRequire(import.meta.url),
        module,
        module.exports,
      );
      const validate = module.exports[`${CLOSED_ID_BASE}ProjectApiKey`] as ValidateFunction;
      const body = {
        object: 'organization.project.api_key',
        redacted_value: `sk-${LONG}`,
        name: 'n',
        created_at: 1,
        id: 'key_abc',
        owner: { type: 'user' },
      };
      expect(validate(body)).to.equal(false);
      expect(validate.errors?.map((e) => [e.instancePath, e.keyword])).to.deep.equal([
        ['/redacted_value', 'pattern'],
      ]);
      expect(validate({ ...body, redacted_value: `sk-${LONG}!` })).to.equal(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the work a document’s patterns may do', () => {
  // Linear in the text is not quick: a pattern of 1,000 instructions can take 140 µs a character, and a
  // thousand quick ones add up. Each document's patterns get 200 million steps (characters × instructions),
  // counted before each match: the text that would pass the budget is not matched, the document is refused.
  const key = (fields: Record<string, unknown>) => ({
    object: 'organization.project.api_key',
    redacted_value: 'sk-abc',
    name: 'n',
    created_at: 1,
    id: 'key_abc',
    owner: { type: 'user' },
    ...fields,
  });
  const refusal = (run: () => unknown): string => {
    try {
      run();
    } catch (error) {
      if (error instanceof SpecError) return error.message;
      throw error;
    }
    throw new Error('not refused');
  };

  it('a text that would take the patterns past it is refused before it is matched', () => {
    const validators = compileValidators(
      parseDocument(HEAVY_PATTERN_DOCUMENTS.slowOnId),
      undefined,
      'slow.json',
    );
    // Matched, this id is 5 minutes of RE2.
    const said = refusal(() =>
      validators.validate('ProjectApiKey', key({ id: `key_${'x'.repeat(5_000_000)}` })),
    );
    expect(said.replace(/^cannot use OpenAPI document slow\.json: /, '')).to.match(PATTERN_WORK_MESSAGE);
    expect(said).to.contain('the pattern at /components/schemas/ProjectApiKey/properties/id/pattern');
    expect(said).to.contain('on a text of 5000004 characters');
  });

  it('many quick matches add up to it', () => {
    const validators = compileValidators(
      parseDocument(HEAVY_PATTERN_DOCUMENTS.manyPatterns),
      undefined,
      'many.json',
    );
    const said = refusal(() => validators.validate('ProjectApiKey', key({ name: 'a'.repeat(1_000_000) })));
    expect(said).to.match(
      /the pattern at \/components\/schemas\/ProjectApiKey\/properties\/name\/allOf\/\d+\/pattern was not run/,
    );
  });

  it('within it, bodies validate as before; past it, every later body is refused; each document has its own', () => {
    const document = documentWith({ Id: { type: 'string', pattern: '.{1000}\\d' } });
    const [first, second] = [compileValidators(document), compileValidators(document)];
    // 150,001 characters × (1,003 instructions + 5): 151 million steps, then as many again.
    const text = `${'a'.repeat(150_000)}1`;
    expect(first.validate('Id', text).valid).to.equal(true);
    expect(first.validate('Id', 'a1').valid).to.equal(false);
    expect(() => first.validate('Id', text)).to.throw(SpecError, /more than 200000000 steps/);
    expect(() => first.validate('Id', text)).to.throw(SpecError);
    expect(second.validate('Id', text).valid).to.equal(true);
  });
});
