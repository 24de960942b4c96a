import { isJsonObject } from '../core/json.ts';
import { valueAt } from '../core/pointer.ts';
import type { OpenApiDocument, SchemaObject } from '../openapi/document.ts';
import { bothConstraints, type Constraints, constraintsOf, NO_CONSTRAINTS } from './constraints.ts';

// A schema object reduced to what a comparison looks at, the same whichever OpenAPI version wrote it:
// `$ref`s followed, and null spelt one way whether by 3.0 `nullable: true`, a 3.1 type array
// (`[integer, 'null']`), an `anyOf`/`oneOf` branch `{ type: 'null' }`, or `null` in an enum.

/** A `$ref` that leads nowhere, or a schema that is not an object: the document is broken (exit 2). */
export class SchemaShapeError extends Error {
  override name = 'SchemaShapeError';
}

/** The most schemas one comparison reads and pairs it compares: far above a real API's operation. */
export const MAX_DRIFT_STEPS = 100_000;

/**
 * What one comparison has worked out, and what it may still do. Shared `$ref`s can stand for far more
 * schemas than a document holds (level i naming level i + 1 twice, 30 levels: 2^30): a schema's shape in
 * the same place of the walk (the same refs followed to it) is worked out once, a pair of schemas found
 * unchanged in the same place is not compared again, and past MAX_DRIFT_STEPS the comparison stops
 * (SchemaShapeError: exit 2), where a fan-out whose every path changed would name billions of changes.
 */
export class DriftBudget {
  #steps = 0;
  #ids = new WeakMap<object, number>();
  #nextId = 0;
  /** Where the walk is, for the line that says where it stopped. */
  at = 'the body';
  readonly shapes = new Map<string, Shape>();
  readonly unchanged = new Set<string>();

  /** A key for `values` in `context`: each object by its identity; undefined if any is not an object. */
  keyOf(values: readonly unknown[], context: string): string | undefined {
    const ids: number[] = [];
    for (const value of values) {
      if (value === null || typeof value !== 'object') return undefined;
      let id = this.#ids.get(value);
      if (id === undefined) {
        id = this.#nextId++;
        this.#ids.set(value, id);
      }
      ids.push(id);
    }
    return `${ids.join(',')}|${context}`;
  }

  /** One more schema read or pair compared. */
  step(): void {
    this.#steps++;
    if (this.#steps > MAX_DRIFT_STEPS) {
      throw new SchemaShapeError(
        `the schemas fan out past ${MAX_DRIFT_STEPS} comparisons (the same $refs at every level?): drift stopped at ${this.at}`,
      );
    }
  }
}

export interface Shape {
  /** The JSON types allowed besides null, sorted; empty when the schema does not say (any). */
  types: string[];
  nullable: boolean;
  /** The allowed values besides null, when the schema lists them. */
  enum?: unknown[];
  format?: string;
  /** Declared properties, in document order, not yet reduced. */
  properties: [name: string, schema: SchemaObject][];
  required: string[];
  items?: SchemaObject;
  /** The keywords that narrow the values of a type: lengths, bounds, patterns, counts, and the default. */
  constraints: Constraints;
  /** `anyOf`/`oneOf` of two or more schemas besides null: compared branch by branch. */
  branches?: Branches;
  /** The `$ref`s followed to get here, for telling a cycle from a repetition. */
  refs: string[];
}

export interface Branches {
  keyword: 'anyOf' | 'oneOf';
  /** As the document gives them (a `$ref` not followed), null branches left out, with their index. */
  schemas: [index: number, schema: unknown][];
}

function isNullOnly(schema: SchemaObject): boolean {
  return (
    schema.type === 'null' ||
    (Array.isArray(schema.type) && schema.type.length === 1 && schema.type[0] === 'null') ||
    (Array.isArray(schema.enum) && schema.enum.length === 1 && schema.enum[0] === null)
  );
}

function unique<T>(values: readonly T[]): T[] {
  return [...new Set(values)];
}

/** `schema` with its `$ref` chain followed (local refs only: `#/...`). */
function dereference(
  schema: unknown,
  document: OpenApiDocument,
  refs: string[] = [],
): [SchemaObject, string[]] {
  if (!isJsonObject(schema))
    throw new SchemaShapeError(`a schema must be an object, got ${JSON.stringify(schema)}`);
  const ref = schema.$ref;
  if (ref === undefined) return [schema, refs];
  if (typeof ref !== 'string' || !ref.startsWith('#')) {
    throw new SchemaShapeError(
      `Can't resolve $ref ${JSON.stringify(ref)}: only local refs (#/...) are followed`,
    );
  }
  if (refs.includes(ref)) throw new SchemaShapeError(`$ref cycle through ${ref} with nothing between`);
  const target = valueAt(document, decodeURIComponent(ref.slice(1)));
  if (target === undefined) throw new SchemaShapeError(`Can't resolve $ref at ${ref}`);
  return dereference(target, document, [...refs, ref]);
}

/** Two shapes as one, for `allOf`: both constraints hold. */
function intersect(a: Shape, b: Shape): Shape {
  return {
    types:
      a.types.length === 0
        ? b.types
        : b.types.length === 0
          ? a.types
          : a.types.filter((t) => b.types.includes(t)),
    nullable: a.nullable && b.nullable,
    ...((a.enum ?? b.enum)
      ? { enum: a.enum && b.enum ? a.enum.filter((v) => b.enum?.includes(v)) : (a.enum ?? b.enum) }
      : {}),
    ...((a.format ?? b.format) ? { format: a.format ?? b.format } : {}),
    properties: [
      ...a.properties,
      ...b.properties.filter(([name]) => !a.properties.some(([n]) => n === name)),
    ],
    required: unique([...a.required, ...b.required]),
    ...((a.items ?? b.items) ? { items: a.items ?? b.items } : {}),
    constraints: bothConstraints(a.constraints, b.constraints),
    ...((a.branches ?? b.branches) ? { branches: a.branches ?? b.branches } : {}),
    refs: unique([...a.refs, ...b.refs]),
  };
}

/** Branches as one, for `anyOf`/`oneOf` of several non-null schemas: either may hold. */
function union(shapes: Shape[]): Shape {
  return {
    types: unique(shapes.flatMap((s) => (s.types.length === 0 ? ['any'] : s.types))).includes('any')
      ? []
      : unique(shapes.flatMap((s) => s.types)).sort(),
    nullable: shapes.some((s) => s.nullable),
    ...(shapes.every((s) => s.enum) ? { enum: unique(shapes.flatMap((s) => s.enum ?? [])) } : {}),
    properties: [],
    required: [],
    // What each branch allows besides its type is compared branch by branch, not merged here.
    constraints: NO_CONSTRAINTS,
    refs: unique(shapes.flatMap((s) => s.refs)),
  };
}

/** The shape of `given` in `document`, reached through the refs `seen`; once each, with a `budget`. */
export function shapeOf(
  given: unknown,
  document: OpenApiDocument,
  seen: string[] = [],
  budget?: DriftBudget,
): Shape {
  const key = budget?.keyOf([given], seen.join('\n'));
  const known = key === undefined ? undefined : budget?.shapes.get(key);
  if (known) return known;
  budget?.step();
  const shape = shapeOfSchema(given, document, seen, budget);
  if (key !== undefined) budget?.shapes.set(key, shape);
  return shape;
}

function shapeOfSchema(
  given: unknown,
  document: OpenApiDocument,
  seen: string[],
  budget?: DriftBudget,
): Shape {
  const [schema, refs] = dereference(given, document, seen);
  const types = Array.isArray(schema.type)
    ? (schema.type as string[])
    : typeof schema.type === 'string'
      ? [schema.type]
      : [];
  const values = Array.isArray(schema.enum) ? schema.enum : 'const' in schema ? [schema.const] : undefined;
  const properties = isJsonObject(schema.properties)
    ? (Object.entries(schema.properties) as [string, SchemaObject][])
    : [];
  let shape: Shape = {
    types: unique(types.filter((t) => t !== 'null')).sort(),
    nullable: schema.nullable === true || types.includes('null') || (values?.includes(null) ?? false),
    ...(values ? { enum: values.filter((v) => v !== null) } : {}),
    ...(typeof schema.format === 'string' ? { format: schema.format } : {}),
    properties,
    required: Array.isArray(schema.required) ? (schema.required as string[]) : [],
    ...(isJsonObject(schema.items) ? { items: schema.items as SchemaObject } : {}),
    constraints: constraintsOf(schema),
    refs,
  };
  if (shape.types.length === 0 && properties.length > 0) shape.types = ['object'];
  if (shape.types.length === 0 && shape.items) shape.types = ['array'];

  for (const branch of Array.isArray(schema.allOf) ? schema.allOf : []) {
    shape = intersect(shape, shapeOf(branch, document, refs, budget));
  }
  // 3.0's way to make a $ref nullable: `nullable: true` beside `allOf: [{ $ref }]`.
  if (schema.nullable === true) shape.nullable = true;
  const alternatives = (schema.anyOf ?? schema.oneOf) as unknown[] | undefined;
  if (Array.isArray(alternatives)) {
    const branches = alternatives.map((branch) => [dereference(branch, document, refs)[0], branch] as const);
    const nonNull = branches
      .map(([resolved, branch], index) => [index, branch, resolved] as const)
      .filter(([, , resolved]) => !isNullOnly(resolved));
    const others = nonNull.map(([, branch]) => shapeOf(branch, document, refs, budget));
    const merged = others.length === 1 ? (others[0] as Shape) : union(others);
    // The branches say what the value is; the schema around them adds constraints (or only a description).
    const nullable = nonNull.length < branches.length || merged.nullable || shape.nullable;
    shape = { ...intersect(merged, shape), nullable };
    if (others.length > 1) {
      const keyword = schema.anyOf === alternatives ? 'anyOf' : 'oneOf';
      shape.branches = { keyword, schemas: nonNull.map(([index, branch]) => [index, branch]) };
    }
  }
  return shape;
}

/** A shape in a few words for a change's from/to: `integer`, `integer | null`, `"a" | "b"`, `any`. */
export function describeShape(shape: Shape): string {
  const types = shape.enum
    ? shape.enum.map((value) => JSON.stringify(value))
    : shape.types.length === 0
      ? ['any']
      : shape.types;
  return [...types, ...(shape.nullable ? ['null'] : [])].join(' | ');
}
