import { expect } from 'chai';
import fc from 'fast-check';
import { RE2JS } from 're2js';
import { patternSize } from '../../src/openapi/pattern-size.ts';

// A pattern is refused on the size counted from its text, before RE2 compiles it (a 14 KB pattern
// takes RE2 20 s and 870 MB): the count must never be below the program re2js compiles, or a pattern
// that is too big would be let through.

const programSize = (pattern: string): number | undefined => {
  try {
    return RE2JS.compile(RE2JS.translateRegExp(pattern)).programSize();
  } catch {
    return undefined; // RE2 refuses it by itself
  }
};

const sizeOf = (pattern: string): number => patternSize(RE2JS.translateRegExp(pattern));

describe('pattern size, counted from the text', () => {
  describe('is what re2js compiles, or more', () => {
    const cases: [label: string, pattern: string][] = [
      ['an id shape', '^key_[A-Za-z0-9]+$'],
      ['counted repetitions nested', '(a{10}){100}'],
      ['counted repetitions in a row', '(?:x{1000})'.repeat(5)],
      ['alternatives repeated', '(?:a{999}|b{999}|c{999}|d{999}){1}'],
      ['captures, stars and alternatives', '(a|b|c|d)*x+y?|(gh)*'],
      ['a named group', '(?<year>\\d{4})-\\d{2}'],
      ['flags', '(?i)hello'],
      ['an open-ended repetition', '(?:ab|cd){3,}'],
      ['a lazy range over a class', '[^]a]{3,7}?'],
      ['a quoted run', '\\Qa{1000}\\E'],
      ['Unicode escapes and properties', '\\u00e9{10}\\p{L}{20}\\x{1F600}{3}'],
      ['a character outside the BMP', '😀{10}'],
      ['a POSIX class', '[[:alpha:]]{20}'],
      ['an e-mail shape', '^[a-zA-Z0-9._%+-]{1,64}@(?:[a-zA-Z0-9-]{1,63}\\.){1,8}[a-zA-Z]{2,63}$'],
      ['nothing', ''],
    ];
    for (const [label, pattern] of cases) {
      it(label, () => {
        const compiled = programSize(pattern);
        expect(compiled, 're2js compiles it').to.be.a('number');
        expect(sizeOf(pattern)).to.be.at.least(compiled as number);
      });
    }

    it('for any pattern of literals, classes, groups, alternatives and repetitions', () => {
      const atom = fc.constantFrom('a', 'b', '.', '[a-c]', '[^x]', '\\d', '\\p{L}', 'é', '^', '$');
      const quantifier = fc.oneof(
        fc.constantFrom('', '*', '+', '?', '*?', '+?'),
        fc.integer({ min: 0, max: 9 }).map((n) => `{${n}}`),
        fc.integer({ min: 0, max: 9 }).map((n) => `{${n},}`),
        fc
          .tuple(fc.integer({ min: 0, max: 5 }), fc.integer({ min: 0, max: 5 }))
          .map(([n, m]) => `{${n},${n + m}}`),
      );
      const { pattern } = fc.letrec((tie) => ({
        pattern: fc
          .array(tie('branch'), { minLength: 1, maxLength: 3 })
          .map((branches) => branches.join('|')),
        branch: fc
          .array(fc.tuple(tie('piece'), quantifier), { minLength: 0, maxLength: 4 })
          .map((pieces) => pieces.map(([piece, q]) => `${piece}${q}`).join('')),
        piece: fc.oneof(
          { depthSize: 'small', withCrossShrink: true },
          atom,
          fc
            .tuple(fc.constantFrom('(', '(?:', '(?<g>'), tie('pattern'))
            .map(([open, inner]) => `${open}${inner})`),
        ),
      }));
      fc.assert(
        fc.property(pattern as fc.Arbitrary<string>, (source) => {
          const compiled = programSize(source);
          return compiled === undefined || sizeOf(source) >= compiled;
        }),
        { numRuns: 2000 },
      );
    });
  });

  describe('a hostile pattern is counted past any bound without compiling it', () => {
    const cases: [label: string, pattern: string, atLeast: number][] = [
      ['nested counted repetitions', '(?:a{1000}){1000}', 1_000_000],
      ['three levels', '((a{100}){100}){100}', 1_000_000],
      ['1,300 counted repetitions in a row', '(?:x{1000})'.repeat(1300), 1_300_000],
    ];
    for (const [label, pattern, atLeast] of cases) {
      it(label, () => {
        expect(sizeOf(pattern)).to.be.at.least(atLeast);
      });
    }

    it('stops counting past the bound it is given', () => {
      expect(patternSize('(?:x{1000})'.repeat(1300), 10_000)).to.be.within(10_001, 20_000);
    });
  });
});
