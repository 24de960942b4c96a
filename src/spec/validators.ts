import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import type { Finding } from '../finding.ts';
import { appendPointer } from '../pointer.ts';
import { componentNames, componentOfRef, type OpenApiDocument, type SchemaObject } from './document.ts';

// ajv-formats is CommonJS with a default export; under NodeNext it arrives as the module object.
const addFormats = addFormatsModule as unknown as typeof addFormatsModule.default;

export interface ValidateOptions {
  /** Undeclared properties are errors rather than warnings. */
  strict?: boolean;
}

export interface ValidationResult {
  valid: boolean;
  findings: Finding[];
}

export interface SchemaValidators {
  readonly components: readonly string[];
  has(component: string): boolean;
  validate(component: string, data: unknown, options?: ValidateOptions): ValidationResult;
}

/** Asked for a component the document does not define: misuse, not a finding. */
export class UnknownComponentError extends Error {
  override name = 'UnknownComponentError';
  constructor(
    readonly component: string,
    readonly known: readonly string[],
  ) {
    super(`unknown schema "${component}" (the document defines: ${known.join(', ')})`);
  }
}

const COMPONENT_ID_BASE = 'openapi:/components/schemas/';

// OpenAPI keywords that annotate and never constrain; declared so ajv's strict mode accepts them.
const OPENAPI_ANNOTATIONS = ['example', 'xml', 'externalDocs', 'discriminator'];

const isSchemaNode = (value: unknown): value is SchemaObject =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

/**
 * The component as ajv compiles it: `$ref`s between components point at the ids we register, and
 * object schemas that leave `additionalProperties` open get `false`, so ajv names undeclared
 * properties; those findings are then graded warning or error by the caller's strictness.
 * Composition with `allOf` would make that unsound, so it is left alone there.
 */
const toAjvSchema = (
  node: unknown,
  extensions: Set<string>,
  formats: Set<string>,
  inAllOf = false,
): unknown => {
  if (Array.isArray(node)) return node.map((item) => toAjvSchema(item, extensions, formats, inAllOf));
  if (!isSchemaNode(node)) return node;
  const out: SchemaObject = {};
  for (const [keyword, value] of Object.entries(node)) {
    if (keyword.startsWith('x-')) {
      extensions.add(keyword);
      out[keyword] = value; // annotations keep their payload verbatim
    } else if (keyword === '$ref') {
      const component = componentOfRef(value);
      out.$ref = component ? COMPONENT_ID_BASE + component : value;
    } else if (keyword === 'properties' && isSchemaNode(value)) {
      out.properties = Object.fromEntries(
        Object.entries(value).map(([name, schema]) => [name, toAjvSchema(schema, extensions, formats)]),
      );
    } else if (
      keyword === 'example' ||
      keyword === 'examples' ||
      keyword === 'enum' ||
      keyword === 'default'
    ) {
      out[keyword] = value;
    } else {
      if (keyword === 'format' && typeof value === 'string') formats.add(value);
      out[keyword] = toAjvSchema(value, extensions, formats, keyword === 'allOf');
    }
  }
  if (isSchemaNode(out.properties) && !('additionalProperties' in out) && !inAllOf && !('allOf' in out)) {
    out.additionalProperties = false;
  }
  return out;
};

// Shown whole: every report and console line cuts text only after redacting it, and a cut here, before
// redaction, could leave the head of a secret behind.
const describe = (value: unknown): string => JSON.stringify(value) ?? String(value);

const typeOf = (value: unknown): string => {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number' && Number.isInteger(value)) return 'integer';
  return typeof value;
};

const toFinding = (error: ErrorObject, strict: boolean): Finding => {
  const at = error.instancePath;
  switch (error.keyword) {
    case 'required': {
      const property = (error.params as { missingProperty: string }).missingProperty;
      return {
        pointer: appendPointer(at, property),
        keyword: 'required',
        message: `required property "${property}" is missing`,
        severity: 'error',
      };
    }
    case 'additionalProperties': {
      const property = (error.params as { additionalProperty: string }).additionalProperty;
      return {
        pointer: appendPointer(at, property),
        keyword: 'additionalProperties',
        message: `property "${property}" is not declared by the schema`,
        severity: strict ? 'error' : 'warning',
      };
    }
    case 'enum': {
      const allowed = (error.params as { allowedValues: unknown[] }).allowedValues;
      return {
        pointer: at,
        keyword: 'enum',
        message: `must be one of ${allowed.map(describe).join(', ')}; got ${describe(error.data)}`,
        severity: 'error',
      };
    }
    case 'type': {
      const expected = (error.params as { type: string | string[] }).type;
      return {
        pointer: at,
        keyword: 'type',
        message: `must be ${[expected].flat().join(' or ')}; got ${typeOf(error.data)}`,
        severity: 'error',
      };
    }
    default:
      return {
        pointer: at,
        keyword: error.keyword,
        message: error.message ?? error.keyword,
        severity: 'error',
      };
  }
};

/** Compiles every component schema of `document` once; validation returns findings, never throws on data. */
export const compileValidators = (document: OpenApiDocument): SchemaValidators => {
  const is31 = document.openapi.startsWith('3.1');
  const ajv = is31
    ? new Ajv2020({ strict: true, allErrors: true, verbose: true })
    : new Ajv({ strict: true, allErrors: true, verbose: true });
  addFormats(ajv);
  for (const keyword of OPENAPI_ANNOTATIONS) {
    if (!ajv.getKeyword(keyword)) ajv.addKeyword(keyword);
  }

  const extensions = new Set<string>();
  const formats = new Set<string>();
  const names = componentNames(document);
  const converted = names.map((name) => ({
    name,
    schema: toAjvSchema(document.components?.schemas?.[name], extensions, formats) as SchemaObject,
  }));
  for (const keyword of extensions) ajv.addKeyword(keyword);
  // A format the document invents (3.1's `unixtime`) is declared as an annotation: it constrains nothing.
  for (const format of formats) if (!ajv.formats[format]) ajv.addFormat(format, true);
  for (const { name, schema } of converted) ajv.addSchema({ ...schema, $id: COMPONENT_ID_BASE + name });

  const compiled = new Map<string, ValidateFunction>();
  for (const name of names) {
    const validate = ajv.getSchema(COMPONENT_ID_BASE + name);
    if (!validate) throw new Error(`ajv did not compile component ${name}`);
    compiled.set(name, validate);
  }

  return {
    components: names,
    has: (component) => compiled.has(component),
    validate(component, data, options = {}) {
      const validate = compiled.get(component);
      if (!validate) throw new UnknownComponentError(component, names);
      validate(data);
      const findings = (validate.errors ?? []).map((error) => toFinding(error, options.strict ?? false));
      return { valid: !findings.some((f) => f.severity === 'error'), findings };
    },
  };
};

const cache = new WeakMap<OpenApiDocument, SchemaValidators>();

/** The validators of `document`, compiled on first use and kept for the life of the process. */
export const validatorsFor = (document: OpenApiDocument): SchemaValidators => {
  let validators = cache.get(document);
  if (!validators) {
    validators = compileValidators(document);
    cache.set(document, validators);
  }
  return validators;
};
