import { toPointer } from '../core/pointer.ts';
import { componentOfRef, type OpenApiDocument, type SchemaObject } from './document.ts';

// Instances built from the document's schemas, for tests that must follow the document as it changes.

const resolve = (schema: SchemaObject, document: OpenApiDocument): SchemaObject => {
  const component = componentOfRef(schema.$ref);
  if (!component) return schema;
  const target = document.components?.schemas?.[component];
  if (!target) throw new Error(`Can't resolve $ref at #/components/schemas/${component}`);
  return resolve(target, document);
};

/** The first branch or type that is not `null`: 3.1 spells nullable as `anyOf: [X, {type: null}]`. */
const nonNullBranch = (schema: SchemaObject): SchemaObject | undefined => {
  const branches = (schema.anyOf ?? schema.oneOf) as SchemaObject[] | undefined;
  return branches?.find((branch) => branch.type !== 'null');
};

const primaryType = (schema: SchemaObject): string | undefined => {
  const type = schema.type;
  if (Array.isArray(type)) return type.find((t) => t !== 'null') as string | undefined;
  return typeof type === 'string' ? type : undefined;
};

/** A valid instance of `schema` carrying every declared property, nested ones included. */
export const sampleOf = (schema: SchemaObject, document: OpenApiDocument): unknown => {
  const resolved = resolve(schema, document);
  if (Array.isArray(resolved.enum)) return resolved.enum[0];
  const branch = nonNullBranch(resolved);
  if (branch) return sampleOf(branch, document);
  switch (primaryType(resolved)) {
    case 'string':
      return resolved.format === 'email' ? 'user@example.com' : 'example';
    case 'integer':
      return 1711471533;
    case 'number':
      return 1.5;
    case 'boolean':
      return true;
    case 'array':
      return [sampleOf((resolved.items as SchemaObject) ?? {}, document)];
    case 'object':
    case undefined: {
      const properties = (resolved.properties ?? {}) as Record<string, SchemaObject>;
      return Object.fromEntries(
        Object.entries(properties).map(([name, sub]) => [name, sampleOf(sub, document)]),
      );
    }
    default:
      return null;
  }
};

export const sampleOfComponent = (component: string, document: OpenApiDocument): unknown =>
  sampleOf({ $ref: `#/components/schemas/${component}` }, document);

/** A broken copy of a valid instance, and where and how a validator must say it is broken. */
export interface Mutant {
  description: string;
  data: unknown;
  pointer: string;
  keyword: 'required' | 'enum' | 'type';
}

const WRONG_TYPE_VALUE: Record<string, unknown> = {
  string: 12345,
  integer: 'not-an-integer',
  number: 'not-a-number',
  boolean: 'not-a-boolean',
  object: 'not-an-object',
  array: 'not-an-array',
};

const withValueAt = (
  root: unknown,
  path: readonly string[],
  replace: (parent: Record<string, unknown>, key: string) => void,
) => {
  const copy = structuredClone(root);
  let parent = copy as Record<string, unknown>;
  for (const token of path.slice(0, -1)) parent = parent[token] as Record<string, unknown>;
  replace(parent, path[path.length - 1] as string);
  return copy;
};

const nonMember = (members: unknown[]): unknown => {
  let candidate = `${String(members[0])}_not_a_member`;
  while (members.includes(candidate)) candidate += '_';
  return candidate;
};

/**
 * Every single-point break of the component's sample the schema forbids: each required property dropped,
 * each enum value replaced by a non-member, each typed value replaced by one of another type.
 */
export const mutantsOf = (component: string, document: OpenApiDocument): Mutant[] => {
  const root = sampleOfComponent(component, document);
  const mutants: Mutant[] = [];

  const walk = (schema: SchemaObject, path: string[]) => {
    const resolved = resolve(schema, document);
    const branch = nonNullBranch(resolved);
    if (branch) return walk(branch, path);
    const pointer = toPointer(path);
    const type = primaryType(resolved);
    const replaceWith = (value: unknown) =>
      path.length === 0
        ? value
        : withValueAt(root, path, (parent, key) => {
            parent[key] = value;
          });
    if (
      type &&
      type in WRONG_TYPE_VALUE &&
      !(Array.isArray(resolved.type) && resolved.type.includes('null'))
    ) {
      mutants.push({
        description: `${pointer || '(root)'} of the wrong type`,
        data: replaceWith(WRONG_TYPE_VALUE[type]),
        pointer,
        keyword: 'type',
      });
    }
    if (Array.isArray(resolved.enum)) {
      const value = nonMember(resolved.enum);
      mutants.push({
        description: `${pointer} outside its enum`,
        data: replaceWith(value),
        pointer,
        keyword: 'enum',
      });
    }
    const properties = (resolved.properties ?? {}) as Record<string, SchemaObject>;
    for (const required of (resolved.required ?? []) as string[]) {
      const at = [...path, required];
      mutants.push({
        description: `required ${toPointer(at)} missing`,
        data: withValueAt(root, at, (parent, key) => {
          delete parent[key];
        }),
        pointer: toPointer(at),
        keyword: 'required',
      });
    }
    for (const [name, sub] of Object.entries(properties)) walk(sub, [...path, name]);
    if (type === 'array' && resolved.items) walk(resolved.items as SchemaObject, [...path, '0']);
  };

  walk({ $ref: `#/components/schemas/${component}` }, []);
  return mutants;
};
