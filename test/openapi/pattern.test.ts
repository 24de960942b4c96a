import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ValidateFunction } from 'ajv';
import { expect } from 'chai';
import type { OpenApiDocument, SchemaObject } from '../../src/openapi/document.ts';
import { generatedFiles } from '../../src/openapi/generated-source.ts';
import { CLOSED_ID_BASE, compileValidators, type SchemaValidators } from '../../src/openapi/validators.ts';
import { CATASTROPHIC_DOCUMENT, CATASTROPHIC_PATTERN } from './hostile-documents.ts';

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
