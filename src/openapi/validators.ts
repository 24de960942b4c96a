import { createRequire } from 'node:module';
import type { Ajv, CodeOptions, ErrorObject, ValidateFunction } from 'ajv';
import type { Ajv2020 } from 'ajv/dist/2020.js';
import type { RegExpEngine } from 'ajv/dist/types/index.js';
import type addFormatsModule from 'ajv-formats';
import type { Finding } from '../core/finding.ts';
import { appendPointer } from '../core/pointer.ts';
import {
  componentNames,
  componentOfRef,
  generatedDocumentOf,
  type OpenApiDocument,
  type SchemaObject,
  SpecError,
} from './document.ts';
import { countedPatterns, LINEAR_PATTERN, MAX_PATTERN_WORK, patternPointer } from './pattern.ts';

// ajv is loaded only to compile: a document whose validators ajv already generated at build time
// (src/generated/validators/, found by the document's sha256) never loads it. It is CommonJS, as is its
// generated code, so both load synchronously where they are needed.
const require = createRequire(import.meta.url);
function loadAjv() {
  return {
    Ajv: (require('ajv') as typeof import('ajv')).Ajv,
    Ajv2020: (require('ajv/dist/2020.js') as typeof import('ajv/dist/2020.js')).Ajv2020,
    addFormats: require('ajv-formats') as typeof addFormatsModule.default,
  };
}

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
  /** `generated`: ajv's code for this very document, generated at build time; `compiled`: by ajv now. */
  readonly origin: 'generated' | 'compiled';
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

// Each component is registered twice in ajv: closed (undeclared properties are findings) and open (as
// the document states it), each variant's `$ref`s pointing within the same variant.
export const CLOSED_ID_BASE = 'openapi:/components/schemas/';
export const OPEN_ID_BASE = 'openapi-open:/components/schemas/';

// OpenAPI keywords that annotate and never constrain; declared so ajv's strict mode accepts them.
const OPENAPI_ANNOTATIONS = ['example', 'xml', 'externalDocs', 'discriminator'];

function isSchemaNode(value: unknown): value is SchemaObject {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

interface Conversion {
  /** Filled in: the `x-` keywords and formats the document uses, declared to ajv before compiling. */
  extensions: Set<string>;
  formats: Set<string>;
  idBase: string;
  /** Whether object schemas that leave `additionalProperties` open get `false`. */
  close: boolean;
}

/**
 * The component as ajv compiles it: `$ref`s between components point at the ids we register, and, when
 * closing, object schemas that leave `additionalProperties` open get `false`, so ajv names undeclared
 * properties; those findings are then graded warning or error by the caller's strictness.
 * Composition with `allOf` would make that unsound, so it is left alone there.
 */
function toAjvSchema(node: unknown, conversion: Conversion, inAllOf = false): unknown {
  if (Array.isArray(node)) return node.map((item) => toAjvSchema(item, conversion, inAllOf));
  if (!isSchemaNode(node)) return node;
  const out: SchemaObject = {};
  for (const [keyword, value] of Object.entries(node)) {
    if (keyword.startsWith('x-')) {
      conversion.extensions.add(keyword);
      out[keyword] = value; // annotations keep their payload verbatim
    } else if (keyword === '$ref') {
      const component = componentOfRef(value);
      out.$ref = component ? conversion.idBase + component : value;
    } else if (keyword === 'properties' && isSchemaNode(value)) {
      out.properties = Object.fromEntries(
        Object.entries(value).map(([name, schema]) => [name, toAjvSchema(schema, conversion)]),
      );
    } else if (
      keyword === 'example' ||
      keyword === 'examples' ||
      keyword === 'enum' ||
      keyword === 'default'
    ) {
      out[keyword] = value;
    } else {
      if (keyword === 'format' && typeof value === 'string') conversion.formats.add(value);
      out[keyword] = toAjvSchema(value, conversion, keyword === 'allOf');
    }
  }
  if (
    conversion.close &&
    isSchemaNode(out.properties) &&
    !('additionalProperties' in out) &&
    !inAllOf &&
    !('allOf' in out)
  ) {
    out.additionalProperties = false;
  }
  return out;
}

// Shown whole: every report and console line cuts text only after redacting it, and a cut here, before
// redaction, could leave the head of a secret behind.
function describe(value: unknown): string {
  return JSON.stringify(value) ?? String(value);
}

// An enum's list, worded once per schema (ajv passes the schema's own array every time).
const allowedTexts = new WeakMap<unknown[], string>();
function allowedText(allowed: unknown[]): string {
  let text = allowedTexts.get(allowed);
  if (text === undefined) {
    text = allowed.map(describe).join(', ');
    allowedTexts.set(allowed, text);
  }
  return text;
}

function typeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number' && Number.isInteger(value)) return 'integer';
  return typeof value;
}

function toFinding(error: ErrorObject, strict: boolean): Finding {
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
        message: `must be one of ${allowedText(allowed)}; got ${describe(error.data)}`,
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
}

export type AnyAjv = Ajv | Ajv2020;

/**
 * An ajv instance with every component registered in both variants: `allErrors` + `verbose` for the
 * instance that names every finding, neither for the one that only answers "valid?" (it stops at the
 * first failure). Schemas compile on first use. `code`: ajv's code generation options (the build's
 * generator keeps the source).
 */
export function ajvFor(
  document: OpenApiDocument,
  allErrors: boolean,
  code?: CodeOptions,
  patterns: RegExpEngine = LINEAR_PATTERN,
): AnyAjv {
  const { Ajv, Ajv2020, addFormats } = loadAjv();
  // The quick instance's errors are never read: no messages to build either.
  const options = {
    strict: true,
    allErrors,
    verbose: allErrors,
    messages: allErrors,
    // The full instance, built first, has checked the schemas against the meta-schema already.
    validateSchema: allErrors,
    // Every `pattern` of the document runs in time linear in the text (pattern.ts), here and in the
    // standalone code the build generates; here, within the document's budget of steps.
    code: { ...code, regExp: patterns },
  };
  const ajv = document.openapi.startsWith('3.1') ? new Ajv2020(options) : new Ajv(options);
  addFormats(ajv);
  for (const keyword of OPENAPI_ANNOTATIONS) {
    if (!ajv.getKeyword(keyword)) ajv.addKeyword(keyword);
  }
  const extensions = new Set<string>();
  const formats = new Set<string>();
  const variants = [
    { idBase: CLOSED_ID_BASE, close: true },
    { idBase: OPEN_ID_BASE, close: false },
  ].map(({ idBase, close }) => {
    const conversion: Conversion = { extensions, formats, idBase, close };
    return componentNames(document).map((name) => ({
      $id: idBase + name,
      ...(toAjvSchema(document.components?.schemas?.[name], conversion) as SchemaObject),
    }));
  });
  for (const keyword of extensions) ajv.addKeyword(keyword);
  // A format the document invents (3.1's `unixtime`) is declared as an annotation: it constrains nothing.
  for (const format of formats) if (!ajv.formats[format]) ajv.addFormat(format, true);
  for (const schema of variants.flat()) ajv.addSchema(schema);
  return ajv;
}

function compiledIn(ajv: AnyAjv, idBase: string, name: string): ValidateFunction {
  const validate = ajv.getSchema(idBase + name);
  if (!validate) throw new Error(`ajv did not compile component ${name}`);
  return validate;
}

/**
 * A result whose findings are made when `findings` is first read, by the `allErrors` validator, from the
 * body as it is then (read them before changing the body): a caller that asks only `valid`, as a client
 * does, never pays for them. One flat class: an object literal with a getter, or a subclass, costs V8
 * several times more to build.
 */
class LazyResult implements ValidationResult {
  readonly valid: boolean;
  readonly #data: unknown;
  readonly #full: ValidateFunction;
  readonly #strict: boolean;
  #findings: Finding[] | undefined;

  constructor(valid: boolean, data: unknown, full: ValidateFunction, strict: boolean) {
    this.valid = valid;
    this.#data = data;
    this.#full = full;
    this.#strict = strict;
  }

  get findings(): Finding[] {
    this.#findings ??= findingsOf(this.#full, this.#data, this.#strict);
    return this.#findings;
  }

  toJSON(): ValidationResult {
    return { valid: this.valid, findings: this.findings };
  }
}
// `findings` enumerable, so the result reads as data (for...in, deep equality); toJSON, so JSON has it.
Object.defineProperty(LazyResult.prototype, 'findings', { enumerable: true });

function findingsOf(full: ValidateFunction, data: unknown, strict: boolean): Finding[] {
  return full(data) ? [] : (full.errors ?? []).map((error) => toFinding(error, strict));
}

/** All findings at once, as the `allErrors` validator names them. */
function eagerly(full: ValidateFunction, data: unknown, strict: boolean): ValidationResult {
  const findings = findingsOf(full, data, strict);
  return { valid: !findings.some((f) => f.severity === 'error'), findings };
}

interface ComponentValidators {
  name: string;
  /** Validations so far, up to QUICK_AFTER. */
  calls: number;
  /** The rules and no undeclared properties, naming every failure. */
  full: ValidateFunction;
  /** The document's rules, stopping at the first failure; compiled after QUICK_AFTER calls. */
  open?: ValidateFunction;
  /** The rules and no undeclared properties, stopping at the first failure: strict mode's check. */
  closed?: ValidateFunction;
}

/**
 * Validations of one component before its quick validators are compiled. A run that validates a
 * handful of bodies never pays for a second compile; a caller validating many gets the fast path.
 */
export const QUICK_AFTER = 16;

/** A document's validate functions by schema id: the `allErrors` ones (closed), the quick ones (both). */
interface ValidateFunctions {
  origin: SchemaValidators['origin'];
  full(name: string): ValidateFunction;
  quick(idBase: string, name: string): ValidateFunction;
}

/** The document's patterns, counted against one budget of steps; past it, the document is refused. */
function documentPatterns(document: OpenApiDocument, path: string): RegExpEngine {
  return countedPatterns({
    spent: 0,
    exceeded(source, length) {
      const pointer = patternPointer(document, source) ?? JSON.stringify(source);
      throw new SpecError(
        path,
        `its patterns need more than ${MAX_PATTERN_WORK} steps (characters × RE2 instructions) to match: the pattern at ${pointer} was not run on a text of ${length} characters`,
      );
    },
  });
}

/** Compiled by ajv now. */
function compiledByAjv(document: OpenApiDocument, path: string): ValidateFunctions {
  // This instance checks the schemas against the meta-schema and compiles them all now: a broken
  // document fails here, not in the middle of a run. Both instances share the patterns and their budget.
  const patterns = documentPatterns(document, path);
  const fullAjv = ajvFor(document, true, undefined, patterns);
  let quickAjv: AnyAjv | undefined;
  return {
    origin: 'compiled',
    full: (name) => compiledIn(fullAjv, CLOSED_ID_BASE, name),
    quick: (idBase, name) => {
      quickAjv ??= ajvFor(document, false, undefined, patterns);
      return compiledIn(quickAjv, idBase, name);
    },
  };
}

/**
 * ajv's own code for the document whose text has `sha256`, generated at build time: the `allErrors`
 * validators (closed) now, the quick ones (closed and open) when first asked for. Undefined if none.
 */
function generatedFor(sha256: string | undefined): ValidateFunctions | undefined {
  const generated = sha256 === undefined ? undefined : generatedDocumentOf(sha256);
  if (!generated) return undefined;
  const load = (variant: 'full' | 'quick') =>
    require(`../generated/validators/${generated.validators}.${variant}.cjs`) as Record<
      string,
      ValidateFunction
    >;
  const pick = (functions: Record<string, ValidateFunction>, id: string) => {
    const validate = functions[id];
    if (!validate) throw new Error(`no generated validator for ${id}`);
    return validate;
  };
  const full = load('full');
  let quick: Record<string, ValidateFunction> | undefined;
  return {
    origin: 'generated',
    full: (name) => pick(full, CLOSED_ID_BASE + name),
    quick: (idBase, name) => {
      quick ??= load('quick');
      return pick(quick, idBase + name);
    },
  };
}

/**
 * Compiles every component schema of `document` once; validation never throws on data. The first few
 * bodies of a component go through one `allErrors` validator, findings built at once. After that, one
 * early-exit ajv call settles `valid`, and findings are built when read. `sha256`, the document text's:
 * when the build generated ajv's code for that very text, that code is used and ajv is not loaded.
 */
export function compileValidators(
  document: OpenApiDocument,
  sha256?: string,
  path = '<document>',
): SchemaValidators {
  const names = componentNames(document);
  const generated = generatedFor(sha256);
  let functions: ValidateFunctions;
  let byName: Map<string, ComponentValidators>;
  try {
    functions = generated ?? compiledByAjv(document, path);
    const { full } = functions;
    byName = new Map(names.map((name) => [name, { name, calls: 0, full: full(name) }]));
  } catch (error) {
    // What ajv refuses to compile (a schema the meta-schema rejects, a ref it cannot follow, a pattern
    // RE2 cannot run) is the document's fault: exit 2 naming it. The build's own code failing is ours.
    if (generated) throw error;
    throw new SpecError(path, `its schemas do not compile: ${(error as Error).message.split('\n')[0]}`);
  }
  const { quick } = functions;
  let last: ComponentValidators | undefined;

  return {
    components: names,
    origin: functions.origin,
    has: (component) => byName.has(component),
    validate(name, data, options) {
      let component = last;
      if (component?.name !== name) {
        component = byName.get(name);
        if (!component) throw new UnknownComponentError(name, names);
        last = component;
      }
      const strict = options?.strict === true;
      const full = component.full;
      if (component.calls < QUICK_AFTER) {
        component.calls++;
        return eagerly(full, data, strict);
      }
      if (strict) {
        // Strict: any failure is an error, so the first one settles `valid`.
        component.closed ??= quick(CLOSED_ID_BASE, name);
        return component.closed(data)
          ? { valid: true, findings: [] }
          : new LazyResult(false, data, full, true);
      }
      // Not strict: the document's own rules settle `valid`; undeclared properties can only be warnings.
      component.open ??= quick(OPEN_ID_BASE, name);
      if (component.open(data)) return new LazyResult(true, data, full, false);
      // ... unless the document itself closes an object: a warning too, so the first failure settles nothing.
      if (component.open.errors?.[0]?.keyword === 'additionalProperties') return eagerly(full, data, false);
      return new LazyResult(false, data, full, false);
    },
  };
}

const cache = new WeakMap<OpenApiDocument, SchemaValidators>();

/**
 * The validators of `document`, compiled on first use and kept for the life of the process. Give the
 * sha256 of the text it was parsed from (LoadedDocument's) and the build's generated code is used if
 * it was made from that text. `path` names the document when ajv cannot compile it (SpecError).
 */
export function validatorsFor(document: OpenApiDocument, sha256?: string, path?: string): SchemaValidators {
  let validators = cache.get(document);
  if (!validators) {
    validators = compileValidators(document, sha256, path);
    cache.set(document, validators);
  }
  return validators;
}
