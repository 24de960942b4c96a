import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { CORE_SCHEMA, load } from 'js-yaml';
import { fsReason } from '../fs-error.ts';
import { DEFAULT_SPEC_PATH } from './default-path.ts';

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

export {
  CURRENT_SPEC_PATH,
  DEFAULT_SPEC_PATH,
  DOCUMENT_VERSION_NAMES,
  DOCUMENT_VERSIONS,
  type DocumentVersion,
  isDocumentVersion,
} from './default-path.ts';

/** Misuse of a document: unreadable, not YAML, not OpenAPI. Carries the path for the one-line error. */
export class SpecError extends Error {
  override name = 'SpecError';
  constructor(
    readonly path: string,
    readonly reason: string,
    /** `read`: the file could not be read at all; `use`: it was read but is not a usable document. */
    readonly failed: 'read' | 'use' = 'use',
  ) {
    super(
      failed === 'read'
        ? `cannot read the OpenAPI document ${path}: ${reason}`
        : `cannot use OpenAPI document ${path}: ${reason}`,
    );
  }
}

export const parseDocument = (text: string, path = '<inline>'): OpenApiDocument => {
  let parsed: unknown;
  try {
    // YAML 1.2's core schema: a date stays a string, as JSON Schema expects.
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
  return candidate as OpenApiDocument;
};

export const loadDocument = (path: string = DEFAULT_SPEC_PATH): LoadedDocument => {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new SpecError(path, fsReason(error), 'read');
  }
  return {
    path,
    sha256: createHash('sha256').update(text).digest('hex'),
    document: parseDocument(text, path),
  };
};

export const componentNames = (document: OpenApiDocument): string[] =>
  Object.keys(document.components?.schemas ?? {});

const COMPONENT_REF = /^#\/components\/schemas\/(.+)$/;

/** `#/components/schemas/ProjectUser` → `ProjectUser`; undefined for any other ref. */
export const componentOfRef = (ref: unknown): string | undefined =>
  typeof ref === 'string' ? COMPONENT_REF.exec(ref)?.[1] : undefined;
