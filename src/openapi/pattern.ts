import { createRequire } from 'node:module';
import type { RegExpEngine, RegExpLike } from 'ajv/dist/types/index.js';

// A document's `pattern` (and `patternProperties`) is outside text run on outside text: a backtracking
// RegExp takes exponential time on a short body (`^(.|.)*!$`), and a running RegExp holds the event loop,
// so neither --max-time nor a signal could end the run. ajv runs every document pattern with RE2 instead
// (re2js, pure JavaScript, no install script): linear in the input whatever the pattern. RE2 has no
// lookaround and no backreferences; a pattern that needs them is refused when the validators compile.
// re2js loads with the first pattern: a document without one, as the shipped ones, never loads it.
const require = createRequire(import.meta.url);
const re2js = () => (require('re2js') as typeof import('re2js')).RE2JS;

/** A document pattern RE2 cannot run: the document cannot be used (exit 2). */
export class PatternError extends Error {
  override name = 'PatternError';
  constructor(
    readonly pattern: string,
    reason: string,
  ) {
    super(`pattern ${JSON.stringify(pattern)} cannot be run in linear time (${reason})`);
  }
}

/** `source` compiled by RE2, for ajv: `test` finds it anywhere in a text, as a JSON Schema pattern does. */
function linearPattern(source: string): RegExpLike {
  const RE2JS = re2js();
  let compiled: import('re2js').RE2JS;
  try {
    // The ECMAScript spellings RE2 writes otherwise (`\u00e9`, `(?<name>`, `\/`) translated first.
    compiled = RE2JS.compile(RE2JS.translateRegExp(source));
  } catch (error) {
    throw new PatternError(source, (error as Error).message.replace(/^error parsing regexp: /, ''));
  }
  // ajv keys compiled patterns by toString: one per source.
  return { test: (text: string) => compiled.test(text), toString: () => `/${source}/` } as RegExpLike;
}

/**
 * The engine as ajv takes it (`code.regExp`). `code` is the same engine as the text ajv's standalone code
 * carries (src/generated/validators/), which loads re2js from the installed package.
 */
export const LINEAR_PATTERN: RegExpEngine = Object.assign(linearPattern, {
  code: '((source) => { const { RE2JS } = require("re2js"); const compiled = RE2JS.compile(RE2JS.translateRegExp(source)); return { test: (text) => compiled.test(text) }; })',
});
