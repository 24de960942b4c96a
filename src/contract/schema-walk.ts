import { isJsonObject } from '../core/json.ts';
import { appendPointer } from '../core/pointer.ts';
import { componentOfRef, type OpenApiDocument, type SchemaObject } from '../openapi/document.ts';
import type { RuleToken } from './matching-rules.ts';

// A schema as the matching-rule check reads it: each alternative a value may take (anyOf/oneOf
// branches; allOf merged), with the JSON types it allows, its enum, its properties and whether it is
// closed; and a rule's path walked through it beside the pact's example body.

export type JsonType = 'string' | 'integer' | 'number' | 'boolean' | 'null' | 'object' | 'array';

export interface Alternative {
  /** The types allowed; undefined: the schema does not say (any). */
  types: Set<JsonType> | undefined;
  /** The values allowed, when the schema lists them (`enum`, `const`). */
  values?: unknown[];
  properties: Record<string, SchemaObject>;
  /** A schema for properties not declared; false: the document closes the object. */
  additional: SchemaObject | boolean;
  items?: SchemaObject;
}

/** Deeper than any real document nests; a deeper one (or a `$ref` cycle) is not followed further. */
const MAX_DEPTH = 64;

/** What a schema that says nothing allows: anything. */
const ANY: Alternative = { types: undefined, properties: {}, additional: true };

const JSON_TYPES: readonly string[] = ['string', 'integer', 'number', 'boolean', 'null', 'object', 'array'];

export function jsonTypeOf(value: unknown): JsonType {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value as JsonType;
}

function resolve(schema: unknown, document: OpenApiDocument, depth: number): SchemaObject | undefined {
  if (!isJsonObject(schema) || depth > MAX_DEPTH) return undefined;
  if (schema.$ref === undefined) return schema;
  const name = componentOfRef(schema.$ref);
  return resolve(name ? document.components?.schemas?.[name] : undefined, document, depth + 1);
}

function typesOf(schema: SchemaObject): Set<JsonType> | undefined {
  const declared = [schema.type].flat().filter((t): t is JsonType => JSON_TYPES.includes(t as string));
  const values = Array.isArray(schema.enum) ? schema.enum : 'const' in schema ? [schema.const] : undefined;
  const types = new Set<JsonType>(declared.length > 0 ? declared : (values?.map(jsonTypeOf) ?? []));
  if (types.size === 0 && isJsonObject(schema.properties)) types.add('object');
  if (types.size === 0 && isJsonObject(schema.items)) types.add('array');
  if (types.size === 0) return undefined;
  if (schema.nullable === true) types.add('null');
  return types;
}

function alternativeOf(schema: SchemaObject): Alternative {
  const values = Array.isArray(schema.enum) ? schema.enum : 'const' in schema ? [schema.const] : undefined;
  const closed = schema.additionalProperties === false || schema.unevaluatedProperties === false;
  return {
    types: typesOf(schema),
    ...(values && { values }),
    properties: isJsonObject(schema.properties) ? (schema.properties as Record<string, SchemaObject>) : {},
    additional: closed
      ? false
      : isJsonObject(schema.additionalProperties)
        ? schema.additionalProperties
        : true,
    ...(isJsonObject(schema.items) && { items: schema.items as SchemaObject }),
  };
}

/** allOf's parts hold together: their properties and types meet in one alternative. */
function merged(parts: Alternative[]): Alternative {
  const [first, ...rest] = parts;
  if (!first) return { types: undefined, properties: {}, additional: true };
  return rest.reduce<Alternative>(
    (all, part) => ({
      types:
        all.types && part.types
          ? new Set([...all.types].filter((t) => part.types?.has(t)))
          : (all.types ?? part.types),
      ...((all.values ?? part.values) && { values: all.values ?? part.values }),
      properties: { ...part.properties, ...all.properties },
      additional: all.additional === false || part.additional === false ? false : all.additional,
      ...((all.items ?? part.items) && { items: all.items ?? part.items }),
    }),
    first,
  );
}

/** Every alternative a value of `schema` may take; anything, where it cannot be followed. */
export function alternativesOf(schema: unknown, document: OpenApiDocument, depth = 0): Alternative[] {
  const resolved = resolve(schema, document, depth);
  if (!resolved) return [ANY];
  const branches = (resolved.anyOf ?? resolved.oneOf) as unknown[] | undefined;
  const own = alternativeOf(resolved);
  const allOf = Array.isArray(resolved.allOf)
    ? resolved.allOf.flatMap((part) => alternativesOf(part, document, depth + 1))
    : [];
  const base = allOf.length > 0 ? merged([own, ...allOf]) : own;
  if (!Array.isArray(branches)) return [base];
  const options = branches.flatMap((branch) => alternativesOf(branch, document, depth + 1));
  if (resolved.nullable === true)
    options.push({ types: new Set(['null']), properties: {}, additional: true });
  return options.map((option) => (isAny(base) ? option : merged([option, base])));
}

/** Whether a value of JSON type `type` is one `alternative` allows (an integer is a number). */
export function allowsType(alternative: Alternative, type: JsonType): boolean {
  const { types } = alternative;
  if (types === undefined) return true;
  return types.has(type) || (type === 'integer' && types.has('number'));
}

/** The types an alternative allows, in words: `integer`, `string or null`, `any`. */
export function describeTypes(alternatives: Alternative[]): string {
  const types = new Set<string>();
  for (const { types: allowed } of alternatives) {
    if (allowed === undefined) return 'any';
    for (const type of allowed) types.add(type);
  }
  return [...types].join(' or ') || 'nothing';
}

/** Where a rule's path leads: the schema's alternatives there and the example's value, if it has one. */
export interface Place {
  /** A JSON Pointer into the body, wildcards filled in from the example (`*` where it has none). */
  pointer: string;
  alternatives: Alternative[];
  example: { value: unknown } | undefined;
}

/** A step the schema does not allow: a property it does not declare, an index into a non-array. */
export interface Detour {
  pointer: string;
  kind: 'undeclared' | 'not-array' | 'not-object';
  /** `undeclared`: whether the document closes the object (`additionalProperties: false`). */
  closed: boolean;
  alternatives: Alternative[];
}

const isAny = (alternative: Alternative) =>
  alternative.types === undefined && Object.keys(alternative.properties).length === 0;

/** The alternatives of property `name` of an object, or undefined when no alternative declares it. */
function propertyOf(
  objects: Alternative[],
  name: string,
  document: OpenApiDocument,
): Alternative[] | undefined {
  const found: Alternative[] = [];
  for (const object of objects) {
    const declared = Object.hasOwn(object.properties, name) ? object.properties[name] : undefined;
    if (declared) found.push(...alternativesOf(declared, document));
    else if (isJsonObject(object.additional)) found.push(...alternativesOf(object.additional, document));
    else if (isAny(object)) found.push(ANY);
  }
  return found.length > 0 ? found : undefined;
}

interface Step {
  place: Place;
  tokens: RuleToken[];
}

/** One step along `token` from `place`; places it leads to, or the detour it takes. */
function stepOnce(place: Place, token: RuleToken, document: OpenApiDocument): Place[] | Detour {
  const { alternatives, example } = place;
  const objects = alternatives.filter((a) => allowsType(a, 'object'));
  const arrays = alternatives.filter((a) => allowsType(a, 'array'));
  const value = example?.value;
  if (
    'index' in token ||
    ('any' in token && (Array.isArray(value) || (value === undefined && arrays.length > 0)))
  ) {
    if (arrays.length === 0)
      return { pointer: place.pointer, kind: 'not-array', closed: false, alternatives };
    const items = arrays.flatMap((a) => (a.items ? alternativesOf(a.items, document) : [ANY]));
    const indexes = 'index' in token ? [token.index] : Array.isArray(value) ? value.map((_, i) => i) : ['*'];
    return indexes.map((index) => ({
      pointer: appendPointer(place.pointer, index),
      alternatives: items,
      example:
        Array.isArray(value) && typeof index === 'number' && index < value.length
          ? { value: value[index] }
          : undefined,
    }));
  }
  if (objects.length === 0)
    return { pointer: place.pointer, kind: 'not-object', closed: false, alternatives };
  const names =
    'name' in token
      ? [token.name]
      : isJsonObject(value)
        ? Object.keys(value)
        : [...new Set(objects.flatMap((a) => Object.keys(a.properties)))];
  const places: Place[] = [];
  for (const name of names) {
    const pointer = appendPointer(place.pointer, name);
    const found = propertyOf(objects, name, document);
    if (!found) {
      return {
        pointer,
        kind: 'undeclared',
        closed: objects.every((a) => a.additional === false),
        alternatives: objects,
      };
    }
    const child = isJsonObject(value) && Object.hasOwn(value, name) ? { value: value[name] } : undefined;
    places.push({ pointer, alternatives: found, example: child });
  }
  return places;
}

/** Every place `tokens` lead to from the body's root, or the first detour on the way. */
export function walk(root: Place, tokens: RuleToken[], document: OpenApiDocument): Place[] | Detour {
  let frontier: Step[] = [{ place: root, tokens }];
  const reached: Place[] = [];
  while (frontier.length > 0) {
    const next: Step[] = [];
    for (const { place, tokens: left } of frontier) {
      const [token, ...rest] = left;
      if (!token) {
        reached.push(place);
        continue;
      }
      const stepped = stepOnce(place, token, document);
      if (!Array.isArray(stepped)) return stepped;
      for (const child of stepped) next.push({ place: child, tokens: rest });
    }
    frontier = next;
  }
  return reached;
}
