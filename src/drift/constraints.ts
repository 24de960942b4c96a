import { isDeepStrictEqual } from 'node:util';
import { isJsonObject } from '../core/json.ts';
import type { SchemaObject } from '../openapi/document.ts';

// The JSON Schema keywords that narrow the values of a type, read the same whichever OpenAPI version wrote
// them (3.0's `exclusiveMinimum: true` beside `minimum` is 3.1's `exclusiveMinimum: <number>`), and which
// way each moved between two versions: tighter (fewer values valid), looser (more) or neither.

/** A bound on a number: `>= 0` (minimum) or `> 0` (exclusiveMinimum). */
export interface Bound {
  value: number;
  exclusive: boolean;
}

export interface Constraints {
  minLength?: number;
  maxLength?: number;
  /** Every pattern that must match (several when `allOf` branches each bring one). */
  patterns: string[];
  lower?: Bound;
  upper?: Bound;
  multipleOf?: number;
  minItems?: number;
  maxItems?: number;
  uniqueItems: boolean;
  minProperties?: number;
  maxProperties?: number;
  /** `true` when absent or `{}`: any other property is allowed. */
  additionalProperties: boolean | SchemaObject;
  /** Wrapped, so a default of `null` is told from none. */
  default?: { value: unknown };
}

export type Direction = 'tightened' | 'loosened' | 'changed';

/** One keyword's move: `from`/`to` as data (`>= 0`, `3`, `"^a"`), null when absent; `said` in words. */
export interface ConstraintMove {
  keyword: string;
  direction: Direction | 'default';
  from: unknown;
  to: unknown;
  /** `maxLength none → 3`, `minimum >= 0 → exclusiveMinimum > 0`. */
  said: string;
}

const shown = (value: unknown): string => (value === null ? 'none' : JSON.stringify(value));

/** A move whose words are its keyword and both values. */
function move(
  keyword: string,
  direction: ConstraintMove['direction'],
  from: unknown,
  to: unknown,
): ConstraintMove {
  return { keyword, direction, from, to, said: `${keyword} ${shown(from)} → ${shown(to)}` };
}

export const NO_CONSTRAINTS: Constraints = { patterns: [], uniqueItems: false, additionalProperties: true };

const numberAt = (schema: SchemaObject, keyword: string): number | undefined =>
  typeof schema[keyword] === 'number' ? (schema[keyword] as number) : undefined;

/** Of two lower bounds the one fewer values pass; `sign` -1 turns it into the upper bounds' rule. */
function tighter(a: Bound | undefined, b: Bound | undefined, sign: 1 | -1): Bound | undefined {
  if (!a || !b) return a ?? b;
  if (a.value !== b.value) return sign * a.value > sign * b.value ? a : b;
  return a.exclusive ? a : b;
}

/** 3.0 (`minimum` + `exclusiveMinimum: true`) and 3.1 (`exclusiveMinimum: n`, maybe beside `minimum`). */
function boundOf(
  schema: SchemaObject,
  inclusive: string,
  exclusive: string,
  sign: 1 | -1,
): Bound | undefined {
  const value = numberAt(schema, inclusive);
  const given = value === undefined ? undefined : { value, exclusive: schema[exclusive] === true };
  const strict = numberAt(schema, exclusive);
  return tighter(given, strict === undefined ? undefined : { value: strict, exclusive: true }, sign);
}

function additionalOf(schema: SchemaObject): boolean | SchemaObject {
  const given = schema.additionalProperties;
  if (given === false) return false;
  return isJsonObject(given) && Object.keys(given).length > 0 ? (given as SchemaObject) : true;
}

/** The constraints `schema` states itself (its `$ref` already followed, its `allOf` not). */
export function constraintsOf(schema: SchemaObject): Constraints {
  const counts = ['minLength', 'maxLength', 'minItems', 'maxItems', 'minProperties', 'maxProperties'];
  const constraints: Constraints = {
    patterns: typeof schema.pattern === 'string' ? [schema.pattern] : [],
    uniqueItems: schema.uniqueItems === true,
    additionalProperties: additionalOf(schema),
    ...('default' in schema ? { default: { value: schema.default } } : {}),
  };
  for (const keyword of counts) {
    const value = numberAt(schema, keyword);
    if (value !== undefined) Object.assign(constraints, { [keyword]: value });
  }
  const lower = boundOf(schema, 'minimum', 'exclusiveMinimum', 1);
  const upper = boundOf(schema, 'maximum', 'exclusiveMaximum', -1);
  const multipleOf = numberAt(schema, 'multipleOf');
  return {
    ...constraints,
    ...(lower ? { lower } : {}),
    ...(upper ? { upper } : {}),
    ...(multipleOf !== undefined && multipleOf > 0 ? { multipleOf } : {}),
  };
}

/** Whether `a` is a whole multiple of `b`, allowing for decimal fractions (0.1 and 0.01). */
function isMultiple(a: number, b: number): boolean {
  const ratio = a / b;
  return Math.abs(ratio - Math.round(ratio)) < 1e-9;
}

const pick = (a: number | undefined, b: number | undefined, choose: (x: number, y: number) => number) =>
  a === undefined ? b : b === undefined ? a : choose(a, b);

/** Both sets of constraints at once, as `allOf` means: the tighter of each. */
export function bothConstraints(a: Constraints, b: Constraints): Constraints {
  const rank = (value: boolean | SchemaObject) => (value === false ? 0 : value === true ? 2 : 1);
  const fields = {
    minLength: pick(a.minLength, b.minLength, Math.max),
    maxLength: pick(a.maxLength, b.maxLength, Math.min),
    minItems: pick(a.minItems, b.minItems, Math.max),
    maxItems: pick(a.maxItems, b.maxItems, Math.min),
    minProperties: pick(a.minProperties, b.minProperties, Math.max),
    maxProperties: pick(a.maxProperties, b.maxProperties, Math.min),
    // Neither a multiple of the other: the larger, short of a least common multiple of decimals.
    multipleOf: pick(a.multipleOf, b.multipleOf, (x, y) =>
      isMultiple(y, x) ? y : isMultiple(x, y) ? x : Math.max(x, y),
    ),
    lower: tighter(a.lower, b.lower, 1),
    upper: tighter(a.upper, b.upper, -1),
    default: a.default ?? b.default,
  };
  const defined = Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined));
  return {
    patterns: [...new Set([...a.patterns, ...b.patterns])],
    uniqueItems: a.uniqueItems || b.uniqueItems,
    additionalProperties:
      rank(b.additionalProperties) < rank(a.additionalProperties)
        ? b.additionalProperties
        : a.additionalProperties,
    ...defined,
  };
}

const admits = (types: readonly string[], family: string) =>
  types.length === 0 || types.includes(family) || (family === 'number' && types.includes('integer'));

/** A count's move: a minimum (absent is 0) or a maximum (absent is no limit). */
function countMove(keyword: string, from: number | undefined, to: number | undefined): ConstraintMove[] {
  const isMinimum = keyword.startsWith('min');
  const absent = isMinimum ? 0 : Number.POSITIVE_INFINITY;
  const [a, b] = [from ?? absent, to ?? absent];
  if (a === b) return [];
  const narrower = isMinimum ? b > a : b < a;
  return [move(keyword, narrower ? 'tightened' : 'loosened', from ?? null, to ?? null)];
}

const boundText = (bound: Bound | undefined, lower: boolean) =>
  bound ? `${lower ? '>' : '<'}${bound.exclusive ? '' : '='} ${bound.value}` : null;

const BOUND_KEYWORDS = { lower: ['minimum', 'exclusiveMinimum'], upper: ['maximum', 'exclusiveMaximum'] };

/** A number bound's move; named after the keyword now in force (or, removed, the one that was). */
function boundMove(from: Bound | undefined, to: Bound | undefined, lower: boolean): ConstraintMove[] {
  const [a, b] = [boundText(from, lower), boundText(to, lower)];
  if (a === b) return [];
  const sign = lower ? 1 : -1;
  const narrower = tighter(from, to, sign) === to;
  const keywordOf = (bound: Bound) =>
    BOUND_KEYWORDS[lower ? 'lower' : 'upper'][bound.exclusive ? 1 : 0] as string;
  const [was, is] = [from && keywordOf(from), to && keywordOf(to)];
  // Named after the keyword now in force (or, removed, the one that was); both when it moved between them.
  const keyword = is ?? (was as string);
  const said = `${was ?? is} ${a ?? 'none'} → ${is && was && is !== was ? `${is} ` : ''}${b ?? 'none'}`;
  return [{ keyword, direction: narrower ? 'tightened' : 'loosened', from: a, to: b, said }];
}

function multipleOfMove(from: number | undefined, to: number | undefined): ConstraintMove[] {
  if (from === to) return [];
  const direction: Direction =
    from === undefined
      ? 'tightened'
      : to === undefined
        ? 'loosened'
        : isMultiple(to, from)
          ? 'tightened'
          : isMultiple(from, to)
            ? 'loosened'
            : 'changed';
  return [move('multipleOf', direction, from ?? null, to ?? null)];
}

/** Patterns only added narrow, only removed widen; one swapped for another may do either. */
function patternMove(from: string[], to: string[]): ConstraintMove[] {
  const added = to.filter((pattern) => !from.includes(pattern));
  const removed = from.filter((pattern) => !to.includes(pattern));
  if (added.length === 0 && removed.length === 0) return [];
  const direction: Direction =
    removed.length === 0 ? 'tightened' : added.length === 0 ? 'loosened' : 'changed';
  const given = (patterns: string[]) =>
    patterns.length === 0 ? null : patterns.length === 1 ? patterns[0] : patterns;
  return [move('pattern', direction, given(from), given(to))];
}

/** false (none) < a schema (some) < true (any); a schema against a schema is compared as schemas. */
function additionalMove(from: boolean | SchemaObject, to: boolean | SchemaObject): ConstraintMove[] {
  const rank = (value: boolean | SchemaObject) => (value === false ? 0 : value === true ? 2 : 1);
  if (rank(from) === rank(to)) return [];
  const given = (value: boolean | SchemaObject) => (typeof value === 'boolean' ? value : 'a schema');
  return [
    move('additionalProperties', rank(to) < rank(from) ? 'tightened' : 'loosened', given(from), given(to)),
  ];
}

function defaultMove(from: Constraints['default'], to: Constraints['default']): ConstraintMove[] {
  if (isDeepStrictEqual(from, to)) return [];
  return [move('default', 'default', from?.value ?? null, to?.value ?? null)];
}

/**
 * How each keyword moved from `a` to `b`. A type's keywords are compared only where both versions admit
 * that type: a string's `maxLength` says nothing once the value is an integer (the type change says it).
 */
export function compareConstraints(
  a: Constraints,
  b: Constraints,
  types: { from: readonly string[]; to: readonly string[] },
): ConstraintMove[] {
  const both = (family: string) => admits(types.from, family) && admits(types.to, family);
  const moves: ConstraintMove[] = [];
  if (both('string')) {
    moves.push(
      ...countMove('minLength', a.minLength, b.minLength),
      ...countMove('maxLength', a.maxLength, b.maxLength),
    );
    moves.push(...patternMove(a.patterns, b.patterns));
  }
  if (both('number')) {
    moves.push(...boundMove(a.lower, b.lower, true), ...boundMove(a.upper, b.upper, false));
    moves.push(...multipleOfMove(a.multipleOf, b.multipleOf));
  }
  if (both('array')) {
    moves.push(
      ...countMove('minItems', a.minItems, b.minItems),
      ...countMove('maxItems', a.maxItems, b.maxItems),
    );
    if (a.uniqueItems !== b.uniqueItems) {
      const direction = b.uniqueItems ? 'tightened' : 'loosened';
      moves.push(move('uniqueItems', direction, a.uniqueItems, b.uniqueItems));
    }
  }
  if (both('object')) {
    moves.push(...countMove('minProperties', a.minProperties, b.minProperties));
    moves.push(...countMove('maxProperties', a.maxProperties, b.maxProperties));
    moves.push(...additionalMove(a.additionalProperties, b.additionalProperties));
  }
  return [...moves, ...defaultMove(a.default, b.default)];
}
