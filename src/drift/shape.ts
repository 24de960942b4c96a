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

const isNullOnly = (schema: SchemaObject): boolean =>
  schema.type === 'null' ||
  (Array.isArray(schema.type) && schema.type.length === 1 && schema.type[0] === 'null') ||
  (Array.isArray(schema.enum) && schema.enum.length === 1 && schema.enum[0] === null);

const unique = <T>(values: readonly T[]): T[] => [...new Set(values)];

/** `schema` with its `$ref` chain followed (local refs only: `#/...`). */
const dereference = (
  schema: unknown,
  document: OpenApiDocument,
  refs: string[] = [],
): [SchemaObject, string[]] => {
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
};

/** Two shapes as one, for `allOf`: both constraints hold. */
const intersect = (a: Shape, b: Shape): Shape => ({
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
  properties: [...a.properties, ...b.properties.filter(([name]) => !a.properties.some(([n]) => n === name))],
  required: unique([...a.required, ...b.required]),
  ...((a.items ?? b.items) ? { items: a.items ?? b.items } : {}),
  constraints: bothConstraints(a.constraints, b.constraints),
  ...((a.branches ?? b.branches) ? { branches: a.branches ?? b.branches } : {}),
  refs: unique([...a.refs, ...b.refs]),
});

/** Branches as one, for `anyOf`/`oneOf` of several non-null schemas: either may hold. */
const union = (shapes: Shape[]): Shape => ({
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
});

/** The shape of `given` in `document`. */
export const shapeOf = (given: unknown, document: OpenApiDocument, seen: string[] = []): Shape => {
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
    shape = intersect(shape, shapeOf(branch, document, refs));
  }
  // 3.0's way to make a $ref nullable: `nullable: true` beside `allOf: [{ $ref }]`.
  if (schema.nullable === true) shape.nullable = true;
  const alternatives = (schema.anyOf ?? schema.oneOf) as unknown[] | undefined;
  if (Array.isArray(alternatives)) {
    const branches = alternatives.map((branch) => [dereference(branch, document, refs)[0], branch] as const);
    const nonNull = branches
      .map(([resolved, branch], index) => [index, branch, resolved] as const)
      .filter(([, , resolved]) => !isNullOnly(resolved));
    const others = nonNull.map(([, branch]) => shapeOf(branch, document, refs));
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
};

/** A shape in a few words for a change's from/to: `integer`, `integer | null`, `"a" | "b"`, `any`. */
export const describeShape = (shape: Shape): string => {
  const types = shape.enum
    ? shape.enum.map((value) => JSON.stringify(value))
    : shape.types.length === 0
      ? ['any']
      : shape.types;
  return [...types, ...(shape.nullable ? ['null'] : [])].join(' | ');
};
