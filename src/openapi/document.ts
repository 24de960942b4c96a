import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { fsReason } from '../core/fs-error.ts';
import { FileTooLargeError, readTextFile } from '../core/read-text.ts';
import { oneLine } from '../core/text.ts';
import { GENERATED_DOCUMENTS, type GeneratedDocument } from '../generated/documents.ts';
import { budgetProblem, MAX_DOCUMENT_BYTES, maxValuesFor } from './budget.ts';
import { DEFAULT_SPEC_PATH } from './default-path.ts';
import { patternProblem } from './pattern.ts';
import { refProblem } from './refs.ts';

// js-yaml is loaded only to parse a text the build has not parsed already (src/generated/documents.ts):
// a run on a document the package ships never loads it. It is CommonJS too, so it loads where needed.
const require = createRequire(import.meta.url);
function yaml() {
  return require('js-yaml') as typeof import('js-yaml');
}

/** A schema object as the document states it: plain data, read not retyped. */
export type SchemaObject = { [keyword: string]: unknown };

export interface OperationObject {
  operationId?: string;
  parameters?: { name: string; in: string; required?: boolean; schema?: SchemaObject }[];
  responses?: Record<string, { description?: string; content?: Record<string, { schema?: SchemaObject }> }>;
  [extension: `x-${string}`]: unknown;
}

export interface OpenApiDocument {
  openapi: string;
  info: { title?: string; version: string };
  servers?: { url: string }[];
  paths: Record<string, Record<string, OperationObject>>;
  components?: { schemas?: Record<string, SchemaObject>; [section: string]: unknown };
}

/** The document plus what reports say about where it came from. */
export interface LoadedDocument {
  path: string;
  sha256: string;
  document: OpenApiDocument;
}

/** Misuse of a document: unreadable, not YAML, not OpenAPI. Carries the path for the one-line error. */
export class SpecError extends Error {
  override name = 'SpecError';
  constructor(
    readonly path: string,
    readonly reason: string,
    /** `read`: the file could not be read at all; `use`: it was read but is not a usable document. */
    readonly failed: 'read' | 'use' = 'use',
  ) {
    // One line whatever the document holds: a pointer may carry a name with a line break in it.
    super(
      oneLine(
        failed === 'read'
          ? `cannot read the OpenAPI document ${path}: ${reason}`
          : `cannot use OpenAPI document ${path}: ${reason}`,
      ),
    );
  }
}

export function parseDocument(text: string, path = '<inline>'): OpenApiDocument {
  let parsed: unknown;
  try {
    // YAML 1.2's core schema: a date stays a string, as JSON Schema expects.
    const { load, CORE_SCHEMA } = yaml();
    parsed = load(text, { schema: CORE_SCHEMA, filename: path });
  } catch (error) {
    throw new SpecError(path, `not YAML or JSON (${(error as Error).message.split('\n')[0]})`);
  }
  const candidate = parsed as Partial<OpenApiDocument> | null;
  if (!candidate || typeof candidate !== 'object' || typeof candidate.openapi !== 'string') {
    throw new SpecError(path, 'no "openapi" version field');
  }
  if (!/^3\.[01]\./.test(candidate.openapi)) {
    throw new SpecError(path, `OpenAPI ${candidate.openapi} is not supported (3.0.x or 3.1.x)`);
  }
  if (!candidate.components?.schemas || typeof candidate.components.schemas !== 'object') {
    throw new SpecError(path, 'no components/schemas');
  }
  if (!candidate.paths || typeof candidate.paths !== 'object') throw new SpecError(path, 'no paths');
  // Before anything walks it: within the budget (aliases, nesting, no cycle), then every $ref safe to
  // follow, then every pattern small enough to compile.
  const problem =
    budgetProblem(candidate, maxValuesFor(text.length)) ?? refProblem(candidate) ?? patternProblem(candidate);
  if (problem !== undefined) throw new SpecError(path, problem);
  return candidate as OpenApiDocument;
}

/** What the build derived from the shipped document whose text has `sha256`; undefined for any other text. */
export function generatedDocumentOf(sha256: string): GeneratedDocument | undefined {
  return Object.hasOwn(GENERATED_DOCUMENTS, sha256) ? GENERATED_DOCUMENTS[sha256] : undefined;
}

/** The document at `path`: as the build parsed it when the text is a shipped document's, else parsed now. */
export function loadDocument(path: string = DEFAULT_SPEC_PATH): LoadedDocument {
  let text: string;
  try {
    // Read no further than MAX_DOCUMENT_BYTES: a device or a pipe may never end.
    text = readTextFile(path, MAX_DOCUMENT_BYTES);
  } catch (error) {
    if (error instanceof FileTooLargeError) throw new SpecError(path, error.message);
    throw new SpecError(path, fsReason(error), 'read');
  }
  const sha256 = createHash('sha256').update(text).digest('hex');
  const generated = generatedDocumentOf(sha256);
  return {
    path,
    sha256,
    // Parsed afresh on every load, as the text would be: no caller shares another's copy.
    document: generated ? (JSON.parse(generated.json) as OpenApiDocument) : parseDocument(text, path),
  };
}

export function componentNames(document: OpenApiDocument): string[] {
  return Object.keys(document.components?.schemas ?? {});
}

const COMPONENT_REF = /^#\/components\/schemas\/(.+)$/;

/** `#/components/schemas/ProjectUser` → `ProjectUser`; undefined for any other ref. */
export function componentOfRef(ref: unknown): string | undefined {
  return typeof ref === 'string' ? COMPONENT_REF.exec(ref)?.[1] : undefined;
}
