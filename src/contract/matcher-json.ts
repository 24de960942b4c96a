// Pact matchers as the plain JSON every Pact implementation reads from a consumer test's body template
// (`{ "pact:matcher:type": "regex", "regex": ..., "value": ... }`, the FFI's "integration JSON"): what
// pact-js's MatchersV3 functions return, built here without loading pact-js, so the library can hand
// matchers to a consumer's test without pact-js being a dependency. test/contract/matchers.test.ts
// holds each one equal to pact-js's own.

/** A matcher node of a body template: pact-js's `Matcher<T>`, as JSON. */
export interface PactMatcher<T = unknown> {
  'pact:matcher:type': string;
  value: T;
  regex?: string;
  min?: number;
}

/** A body template: JSON, in which any value may be a matcher node. */
export type PactTemplate = PactMatcher | PactTemplate[] | { [key: string]: PactTemplate } | JsonScalar;
type JsonScalar = string | number | boolean | null;

/** The value's type, whatever its content (pact-js `like`, `string`, `boolean`). */
export function typeMatcher<T>(value: T): PactMatcher<T> {
  return { 'pact:matcher:type': 'type', value };
}

/** Exactly this value (pact-js `equal`). */
export function equalityMatcher<T>(value: T): PactMatcher<T> {
  return { 'pact:matcher:type': 'equality', value };
}

/** A string the regex finds a match in (pact-js `regex`): anchor it to match the whole. */
export function regexMatcher(regex: string, value: string): PactMatcher<string> {
  return { 'pact:matcher:type': 'regex', regex, value };
}

/** A number with no fraction (pact-js `integer`). */
export function integerMatcher(value: number): PactMatcher<number> {
  return { 'pact:matcher:type': 'integer', value };
}

/** Any number (pact-js `number`). */
export function numberMatcher(value: number): PactMatcher<number> {
  return { 'pact:matcher:type': 'number', value };
}

/** `null` (pact-js `nullValue`). */
export function nullMatcher(): PactMatcher<null> {
  return { 'pact:matcher:type': 'null', value: null };
}

/** An array of at least `min` items, each like `item` (pact-js `eachLike(item, min)`). */
export function eachLikeMatcher<T>(item: T, min = 1): PactMatcher<T[]> {
  return { min, 'pact:matcher:type': 'type', value: Array.from({ length: min }, () => item) };
}
