import { isJsonObject } from '../core/json.ts';
import { appendPointer } from '../core/pointer.ts';
import { escapeRegExp } from '../core/regexp.ts';
import { componentOfRef, type OpenApiDocument, type SchemaObject } from '../openapi/document.ts';
import {
  eachLikeMatcher,
  equalityMatcher,
  integerMatcher,
  nullMatcher,
  numberMatcher,
  type PactTemplate,
  regexMatcher,
  typeMatcher,
} from './matcher-json.ts';

// Pact body matchers read from the document, so the contract tightens and loosens with the schema:
// enums become regexes of their members, constants equality, everything else a type match. They are
// Pact's matcher JSON (./matcher-json.ts), which pact-js takes as it takes its own: no pact-js here.

/**
 * An example body that cannot become a matcher: it breaks its own schema, or the schema is unsupported.
 * A TypeError: the caller passed a value the function cannot take.
 */
export class MatcherBuildError extends TypeError {
  override readonly name = 'MatcherBuildError';
  constructor(
    readonly component: string,
    /** Where in the example body. */
    readonly pointer: string,
    readonly reason: string,
  ) {
    super(`cannot build a matcher for ${component} at ${pointer || '(root)'}: ${reason}`);
  }
}

/** A regex that matches exactly the enum's members, each escaped (Pact's regex matcher finds, so anchor). */
export const enumPattern = (members: readonly string[]): string =>
  `^(?:${members.map(escapeRegExp).join('|')})$`;

/** A single-member enum the generator marks constant (`x-stainless-const`): the `object` discriminators. */
export const isConstant = (schema: SchemaObject): boolean =>
  Array.isArray(schema.enum) && schema.enum.length === 1 && schema['x-stainless-const'] === true;

function typesOf(schema: SchemaObject): string[] {
  return Array.isArray(schema.type)
    ? (schema.type as string[])
    : typeof schema.type === 'string'
      ? [schema.type]
      : [];
}

/** Builds one component's matcher: the document to resolve `$ref`s in, the component errors name. */
class MatcherBuilder {
  constructor(
    readonly document: OpenApiDocument,
    readonly component: string,
  ) {}

  fail(pointer: string, reason: string): never {
    throw new MatcherBuildError(this.component, pointer, reason);
  }

  resolve(schema: SchemaObject, pointer: string, seen: string[] = []): SchemaObject {
    if (schema.$ref === undefined) return schema;
    const name = componentOfRef(schema.$ref);
    const target = name ? this.document.components?.schemas?.[name] : undefined;
    if (!name || !target) return this.fail(pointer, `can't resolve $ref ${String(schema.$ref)}`);
    if (seen.includes(name)) return this.fail(pointer, `$ref cycle through ${name}`);
    return this.resolve(target, pointer, [...seen, name]);
  }

  build(given: SchemaObject, value: unknown, pointer: string): PactTemplate {
    const schema = this.resolve(given, pointer);
    // Nullable in 3.0 (`nullable`), 3.1 (`type: [X, 'null']`) and as `anyOf: [X, {type: 'null'}]`.
    const branches = (schema.anyOf ?? schema.oneOf) as SchemaObject[] | undefined;
    const nonNull = branches?.filter((branch) => this.resolve(branch, pointer).type !== 'null');
    const nullable =
      schema.nullable === true ||
      typesOf(schema).includes('null') ||
      (nonNull?.length ?? 0) < (branches?.length ?? 0);
    if (value === null) return nullable ? nullMatcher() : this.fail(pointer, 'null is not allowed here');
    if (branches) {
      if (nonNull?.length !== 1)
        return this.fail(pointer, 'anyOf/oneOf other than "X or null" is not supported');
      return this.build(nonNull[0] as SchemaObject, value, pointer);
    }
    if (Array.isArray(schema.enum)) return this.enumMatcher(schema, value, pointer);
    return this.typedMatcher(schema, value, pointer);
  }

  enumMatcher(schema: SchemaObject, value: unknown, pointer: string): PactTemplate {
    const members = schema.enum as unknown[];
    if (!members.includes(value)) {
      return this.fail(pointer, `${JSON.stringify(value)} is not one of ${JSON.stringify(members)}`);
    }
    if (isConstant(schema)) return equalityMatcher(value);
    if (!members.every((member) => typeof member === 'string')) {
      return this.fail(pointer, 'only string enums are supported');
    }
    return regexMatcher(enumPattern(members as string[]), value as string);
  }

  typedMatcher(schema: SchemaObject, value: unknown, pointer: string): PactTemplate {
    const type = typesOf(schema).find((t) => t !== 'null') ?? (schema.properties ? 'object' : undefined);
    switch (type) {
      case 'object':
        return this.objectMatcher(schema, value, pointer);
      case 'array': {
        if (!Array.isArray(value) || value.length === 0)
          return this.fail(pointer, 'must be a non-empty array');
        const items = (schema.items ?? {}) as SchemaObject;
        return eachLikeMatcher(this.build(items, value[0], appendPointer(pointer, 0)), 1);
      }
      case 'integer':
        // Pact's integer matcher rejects 1.5 where a type match would accept it.
        return Number.isInteger(value)
          ? integerMatcher(value as number)
          : this.fail(pointer, 'must be an integer');
      case 'number':
        return typeof value === 'number' ? numberMatcher(value) : this.fail(pointer, 'must be a number');
      case 'string':
        return typeof value === 'string' ? typeMatcher(value) : this.fail(pointer, 'must be a string');
      case 'boolean':
        return typeof value === 'boolean' ? typeMatcher(value) : this.fail(pointer, 'must be a boolean');
      default:
        return this.fail(pointer, `schema without a supported type (${JSON.stringify(schema.type)})`);
    }
  }

  objectMatcher(schema: SchemaObject, value: unknown, pointer: string): PactTemplate {
    if (!isJsonObject(value)) return this.fail(pointer, 'must be an object');
    const properties = (schema.properties ?? {}) as Record<string, SchemaObject>;
    for (const required of (schema.required ?? []) as string[]) {
      if (!(required in value)) this.fail(appendPointer(pointer, required), 'required property missing');
    }
    return Object.fromEntries(
      Object.entries(value).map(([name, item]) => {
        const at = appendPointer(pointer, name);
        const property = properties[name];
        if (!property) return this.fail(at, 'property is not declared by the schema');
        return [name, this.build(property, item, at)];
      }),
    );
  }
}

/**
 * The Pact template (plain JSON with `pact:matcher:type` nodes) for `example` as an instance of the
 * component. Throws MatcherBuildError when the example lacks a required property, carries one the schema
 * does not declare, or has a value its schema forbids: a contract must not promise what the spec does not.
 */
export function bodyMatcher(document: OpenApiDocument, component: string, example: unknown): PactTemplate {
  return new MatcherBuilder(document, component).build(
    { $ref: `#/components/schemas/${component}` },
    example,
    '',
  );
}
