import { readFileSync } from 'node:fs';
import { checkPact as checkParsedPact, readPact } from '../contract/check-pact.ts';
import type { PactMatcher, PactTemplate } from '../contract/matcher-json.ts';
import { bodyMatcher } from '../contract/matchers.ts';
import type { Finding } from '../core/finding.ts';
import { fsReason } from '../core/fs-error.ts';
import type { components as current } from '../generated/openai-openapi-f85dbe2.ts';
import type { components as seed } from '../generated/openapi.ts';
import { CURRENT_SPEC_PATH, DEFAULT_SPEC_PATH } from '../openapi/default-path.ts';
import { type SchemaValidators, UnknownComponentError } from '../openapi/validators.ts';
import { bodyOf, guarded, specOf } from './inputs.ts';
import type { SpecOptions } from './options.ts';
import type { ReferenceProviderHandle, ReferenceProviderOptions } from './reference-provider.ts';

// `project-api-key-contract`: the package as a library, for teams whose tools depend on the endpoint.
// index.ts is a folder's one entry point, the same role src/provider/index.ts plays for the provider.
// Validate a body, check a pact before any provider runs, build pact matchers from the schema, and run
// the reference provider as a stub. Each function reads the shipped document unless `spec` names another.

export type { Finding, Severity } from '../core/finding.ts';
export type { PactMatcher, PactTemplate, ReferenceProviderHandle, ReferenceProviderOptions, SpecOptions };

/** The shipped documents, by path: the seed's (the contract, the default) and today's public one. */
export const documents: { readonly seed: string; readonly current: string } = {
  seed: DEFAULT_SPEC_PATH,
  current: CURRENT_SPEC_PATH,
};

/** The seed document's schemas, as openapi-typescript generates them. */
export type Schemas = seed['schemas'];
export type ProjectApiKey = Schemas['ProjectApiKey'];
export type ProjectUser = Schemas['ProjectUser'];
export type ProjectServiceAccount = Schemas['ProjectServiceAccount'];

/** Today's document's schemas (`documents.current`), as openapi-typescript generates them. */
export type CurrentSchemas = current['schemas'];
export type CurrentProjectApiKey = CurrentSchemas['ProjectApiKey'];
export type CurrentProjectApiKeyOwnerUser = CurrentSchemas['ProjectApiKeyOwnerUser'];
export type CurrentProjectApiKeyOwnerServiceAccount = CurrentSchemas['ProjectApiKeyOwnerServiceAccount'];
export type CurrentProjectApiKeyListResponse = CurrentSchemas['ProjectApiKeyListResponse'];
export type CurrentProjectApiKeyDeleteResponse = CurrentSchemas['ProjectApiKeyDeleteResponse'];
export type CurrentErrorResponse = CurrentSchemas['ErrorResponse'];

/** A schema of either shipped document by name; another document's names are strings too. */
export type SchemaName = keyof Schemas | keyof CurrentSchemas | (string & {});

/** Throws UnknownComponentError, naming the schemas the document has, unless it has `name`. */
function knownSchema(validators: SchemaValidators, name: unknown): void {
  if (typeof name !== 'string') throw new TypeError(`the schema name must be a string, got ${typeof name}`);
  if (!validators.has(name)) throw new UnknownComponentError(name, validators.components);
}

/** The type of a schema by name: either shipped document's shape of it; unknown for another document's names. */
export type SchemaType<N extends string> = N extends keyof Schemas
  ? Schemas[N] | (N extends keyof CurrentSchemas ? CurrentSchemas[N] : never)
  : N extends keyof CurrentSchemas
    ? CurrentSchemas[N]
    : unknown;

export interface ValidateOptions extends SpecOptions {
  /** Properties the schema does not declare are errors, not warnings. */
  strict?: boolean;
}

export interface ValidationResult {
  /** No finding is an error. */
  valid: boolean;
  /** As the reports show them: `{ pointer, message, severity, keyword }`, `pointer` into the body. */
  findings: Finding[];
}

/**
 * Validates `body` against the schema `schemaName` of the document. `body` is a parsed value, or JSON
 * text (a string or bytes), read as a conformance run reads a response (a key twice in one object is a
 * finding). Throws a TypeError for an unknown schema, a body that is not JSON, or a document it cannot use.
 */
export function validate(schemaName: SchemaName, body: unknown, options?: ValidateOptions): ValidationResult {
  return guarded('validate', () => {
    const { validators } = specOf(options);
    knownSchema(validators, schemaName);
    const read = bodyOf(body);
    if (!read.ok) return { valid: false, findings: read.findings };
    const result = validators.validate(schemaName, read.value, { strict: options?.strict === true });
    return { valid: result.valid, findings: result.findings };
  });
}

export interface PactCheckResult {
  /** No finding is an error: the pact asks only for what the document promises. */
  ok: boolean;
  /** `pointer` is a JSON Pointer into the pact file. */
  findings: Finding[];
  /** The Pact specification version the pact states (`2.0.0`, `3.0.0`, `4.0`), if it states one. */
  specification: string | undefined;
  /** The tool its metadata names (`pact-js`, `pact-jvm`, `pact-go`, ...), if it names one. */
  writer: string | undefined;
  /** The HTTP interactions checked. */
  interactions: number;
}

/** The pact as text, read from the path given, or the object given as JSON: parsePact validates either. */
function pactText(pactOrPath: unknown): { text: string; path: string } {
  if (typeof pactOrPath === 'string') {
    try {
      return { text: readFileSync(pactOrPath, 'utf8'), path: pactOrPath };
    } catch (error) {
      throw new TypeError(`cannot read pact ${pactOrPath}: ${fsReason(error)}`);
    }
  }
  if (pactOrPath === null || typeof pactOrPath !== 'object') {
    throw new TypeError(
      `a pact is a file's path or its parsed object, got ${pactOrPath === null ? 'null' : typeof pactOrPath}`,
    );
  }
  return { text: JSON.stringify(pactOrPath) ?? '', path: '(the pact given)' };
}

/**
 * Whether a consumer's pact (V2, V3 or V4, by pact-js, pact-jvm or pact-go) asks only for what the
 * document promises: each interaction's method and path, its status, the request headers the document
 * requires and the response example, and each response matching rule. `pactOrPath`: a file's path or the
 * parsed pact. Throws a TypeError for a file it cannot read or something that is not a pact.
 */
export function checkPact(pactOrPath: string | object, options?: SpecOptions): PactCheckResult {
  return guarded('checkPact', () => {
    const { text, path } = pactText(pactOrPath);
    const pact = readPact(text, path);
    const { document, validators } = specOf(options);
    return checkParsedPact(pact, document, validators);
  });
}

/**
 * Pact matchers for `example` as an instance of `schemaName`, read from the document: enums become
 * regexes of their members, constants equality, integers integer matchers, everything else a type match.
 * The result goes where pact-js takes a body (`.jsonBody(...)`, `willRespondWith({ body })`), any
 * version. The example must be valid against the schema (so the pact is, by construction): if it is not,
 * a TypeError names the first finding. pact-js is not needed: matchers are Pact's own matcher JSON.
 */
export function matchersFor<N extends SchemaName>(
  schemaName: N,
  example: SchemaType<N>,
  options?: SpecOptions,
): PactTemplate {
  return guarded('matchersFor', () => {
    const { document, validators } = specOf(options);
    knownSchema(validators, schemaName);
    const read = bodyOf(example);
    const findings = read.ok ? validators.validate(schemaName, read.value).findings : read.findings;
    const first = findings.find((f) => f.severity === 'error');
    if (first) {
      const more = findings.length > 1 ? ` (and ${findings.length - 1} more)` : '';
      throw new TypeError(
        `the example is not a valid ${schemaName}: ${first.pointer || '(root)'}: ${first.message}${more}`,
      );
    }
    return bodyMatcher(document, schemaName, read.ok ? read.value : undefined);
  });
}

/**
 * The reference provider the package's own conformance runs verify, as a stub for a consumer's tests:
 * on loopback, any free port; it serves the seeded project's two keys (a user's and a service
 * account's) to a request bearing `adminKey`, and 404 and 401 bodies as the real service does. Resolves
 * to its URL, those ids, the admin key it accepts and `close()`.
 */
export async function startReferenceProvider(
  options: ReferenceProviderOptions = {},
): Promise<ReferenceProviderHandle> {
  const { start } = await import('./reference-provider.ts');
  return start(options);
}
