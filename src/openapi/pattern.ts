import { createRequire } from 'node:module';
import type { RegExpEngine, RegExpLike } from 'ajv/dist/types/index.js';
import { isJsonObject } from '../core/json.ts';
import { toPointer } from '../core/pointer.ts';
import { patternSize } from './pattern-size.ts';
import { DATA_KEYWORDS, NAME_MAPS } from './refs.ts';

// A document's `pattern` (and `patternProperties`) is outside text run on outside text: a backtracking
// RegExp takes exponential time on a short body (`^(.|.)*!$`), and a running RegExp holds the event loop,
// so neither --max-time nor a signal could end the run. ajv runs every document pattern with RE2 instead
// (re2js, pure JavaScript, no install script): linear in the input whatever the pattern. RE2 has no
// lookaround and no backreferences; a pattern that needs them is refused when the validators compile.
// RE2 is linear in the text, not in the pattern: a program's size is refused before it is compiled
// (patternProblem, when the document loads). re2js loads with the first pattern: a document without
// one, as the shipped ones, never loads it.
const require = createRequire(import.meta.url);
function re2js() {
  return (require('re2js') as typeof import('re2js')).RE2JS;
}

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

/** `source` compiled by RE2; PatternError when RE2 cannot read it. */
function compiledPattern(source: string): import('re2js').RE2JS {
  const RE2JS = re2js();
  try {
    // The ECMAScript spellings RE2 writes otherwise (`\u00e9`, `(?<name>`, `\/`) translated first.
    return RE2JS.compile(RE2JS.translateRegExp(source));
  } catch (error) {
    throw new PatternError(source, (error as Error).message.replace(/^error parsing regexp: /, ''));
  }
}

/** `source` compiled by RE2, for ajv: `test` finds it anywhere in a text, as a JSON Schema pattern does. */
function linearPattern(source: string): RegExpLike {
  const compiled = compiledPattern(source);
  // ajv keys compiled patterns by toString: one per source.
  return { test: (text: string) => compiled.test(text), toString: () => `/${source}/` } as RegExpLike;
}

const ENGINE_CODE =
  '((source) => { const { RE2JS } = require("re2js"); const compiled = RE2JS.compile(RE2JS.translateRegExp(source)); return { test: (text) => compiled.test(text) }; })';

/**
 * The engine as ajv takes it (`code.regExp`). `code` is the same engine as the text ajv's standalone code
 * carries (src/generated/validators/), which loads re2js from the installed package.
 */
export const LINEAR_PATTERN: RegExpEngine = Object.assign(linearPattern, { code: ENGINE_CODE });

// Linear is not quick: RE2 matches in steps of (characters × instructions), and where its lazy DFA gives
// way to the NFA one step can take 100 ns, so a pattern of 1,000 instructions on 5 MB is minutes, and a
// thousand quick patterns on one long text add up alike. A run cannot stop a match that has begun (it
// holds the event loop). So each document's patterns get a budget of steps, counted before each match:
// a text that would take them past it is not matched, and the document is refused.

/** The most steps a document's patterns may take, in all: seconds of matching at RE2's slowest. */
export const MAX_PATTERN_WORK = 200_000_000;

/** Steps a character costs besides the program's instructions (reading it, the call around it). */
const STEPS_PER_CHARACTER = 5;

/** The steps one document's patterns have taken, and what to do instead of going past MAX_PATTERN_WORK. */
export interface PatternWork {
  spent: number;
  exceeded(source: string, length: number): never;
}

/**
 * An engine like LINEAR_PATTERN whose matches are counted in `work`: the match that would take it past
 * MAX_PATTERN_WORK is not run (`work.exceeded`). A source is compiled once, however many ajv
 * instances ask for it.
 */
export function countedPatterns(work: PatternWork): RegExpEngine {
  const compiled = new Map<string, RegExpLike>();
  const engine = (source: string): RegExpLike => {
    let pattern = compiled.get(source);
    if (pattern === undefined) {
      const program = compiledPattern(source);
      const perCharacter = program.programSize() + STEPS_PER_CHARACTER;
      const test = (text: string) => {
        const steps = (text.length + 1) * perCharacter;
        if (work.spent + steps > MAX_PATTERN_WORK) work.exceeded(source, text.length);
        work.spent += steps;
        return program.test(text);
      };
      pattern = { test, toString: () => `/${source}/` } as RegExpLike;
      compiled.set(source, pattern);
    }
    return pattern;
  };
  return Object.assign(engine, { code: ENGINE_CODE });
}

/** The pointer of the first `pattern` (or `patternProperties` key) of the document's components with `source`. */
export function patternPointer(document: unknown, source: string): string | undefined {
  return componentPatterns(document).find((found) => found.source === source)?.pointer;
}

/** The most instructions one pattern may compile to: far above a real pattern's (an e-mail shape: ~1,200). */
export const MAX_PATTERN_SIZE = 10_000;

/** The most instructions a document's patterns may compile to together, each counted at least PATTERN_FLOOR. */
export const MAX_PATTERNS_SIZE = 250_000;

/** What compiling any pattern costs whatever its size (RE2 and ajv's code around it). */
const PATTERN_FLOOR = 50;

/** Where a value is: the key it has in its parent, and where that parent is (a chain, built once). */
interface Place {
  key: string;
  parent?: Place;
}

function pointerOf(place: Place, ...more: string[]): string {
  const tokens = more;
  for (let at: Place | undefined = place; at; at = at.parent) tokens.unshift(at.key);
  return toPointer(tokens);
}

/** Each `pattern` and `patternProperties` key of the document's component schemas, with where it is. */
function componentPatterns(document: unknown): { source: string; pointer: string }[] {
  const found: { source: string; pointer: string }[] = [];
  const schemas =
    isJsonObject(document) && isJsonObject(document.components) ? document.components.schemas : undefined;
  const components: Place = { key: 'schemas', parent: { key: 'components' } };
  const stack: { value: unknown; place: Place; inNames: boolean }[] = [
    { value: schemas, place: components, inNames: true },
  ];
  while (stack.length > 0) {
    const { value, place, inNames } = stack.pop() as (typeof stack)[number];
    if (value === null || typeof value !== 'object') continue;
    const schema = !inNames && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
    if (typeof schema?.pattern === 'string')
      found.push({ source: schema.pattern, pointer: pointerOf(place, 'pattern') });
    if (isJsonObject(schema?.patternProperties))
      for (const source of Object.keys(schema.patternProperties))
        found.push({ source, pointer: pointerOf(place, 'patternProperties', source) });
    for (const [key, child] of Object.entries(value)) {
      if (schema && (DATA_KEYWORDS.has(key) || key.startsWith('x-'))) continue;
      const inNames = schema !== undefined && NAME_MAPS.has(key);
      stack.push({ value: child, place: { key, parent: place }, inNames });
    }
  }
  return found.reverse();
}

/**
 * Why the document's patterns cannot be compiled within bounds, naming the one that is too big (or tips
 * the total); undefined when they can. Counted from their text (pattern-size.ts), nothing compiled.
 */
export function patternProblem(document: unknown): string | undefined {
  const patterns = componentPatterns(document);
  if (patterns.length === 0) return undefined;
  const RE2JS = re2js();
  const counted = new Set<string>();
  let total = 0;
  for (const { source, pointer } of patterns) {
    if (counted.has(source)) continue; // compiled once, however often it is used
    counted.add(source);
    let translated: string;
    try {
      translated = RE2JS.translateRegExp(source);
    } catch {
      continue; // what RE2 cannot read is refused when it compiles, by its own words
    }
    const size = patternSize(translated, MAX_PATTERN_SIZE);
    if (size > MAX_PATTERN_SIZE) {
      return `the pattern at ${pointer} is too large to compile: more than ${MAX_PATTERN_SIZE} RE2 instructions (counted repetitions, nested or in a row?); nothing was compiled`;
    }
    total += Math.max(size, PATTERN_FLOOR);
    if (total > MAX_PATTERNS_SIZE) {
      return `its patterns are too large to compile together: more than ${MAX_PATTERNS_SIZE} RE2 instructions by the pattern at ${pointer}; nothing was compiled`;
    }
  }
  return undefined;
}
