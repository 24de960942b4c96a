import type { LoadedDocument } from '../openapi/document.ts';
import { SpecError } from '../openapi/document.ts';
import type { SchemaValidators } from '../openapi/validators.ts';

// Which version of the document does the target serve? Every live 2xx key body held to each document
// given (--spec and every --also-spec): a matrix document × key → conforms, or how many findings and where.
// Pure: bodies and validators in, the matrix out. It informs; the verdict comes from --spec alone.

/** The component a retrieved key body is validated as, in every version of the document. */
export const KEY_COMPONENT = 'ProjectApiKey';

/** How many pointers a cell names; the run's checks have every finding of --spec. */
export const MATRIX_POINTERS = 3;

/** A document as the matrix names it. */
export interface MatrixSpec {
  path: string;
  openapi: string;
  version: string;
  sha256: string;
}

export interface SpecMatrixCell {
  /** The key the body is of, as the checks name it (`key owned by a user`). */
  key: string;
  /** No error finding: the body is a valid ProjectApiKey of this document. */
  conforms: boolean;
  errors: number;
  /** Properties the document does not declare (errors instead with --strict), and other warnings. */
  warnings: number;
  /** The first findings' JSON Pointers into the body, errors first. */
  pointers: string[];
}

export interface SpecMatrixRow {
  spec: MatrixSpec;
  /** True for the --spec document: the one the verdict comes from. */
  verdict: boolean;
  cells: SpecMatrixCell[];
}

export interface SpecMatrix {
  /** The keys whose live request answered 2xx with JSON, in the order they were asked for. */
  keys: string[];
  rows: SpecMatrixRow[];
}

/** A live key body, named by the key it is of. */
export interface MatrixBody {
  key: string;
  body: unknown;
}

/** A document with its compiled validators, ready to be a row. */
export interface MatrixDocument {
  spec: MatrixSpec;
  validators: SchemaValidators;
  verdict: boolean;
}

/** The row a loaded document makes; a document with no ProjectApiKey cannot judge a key body (exit 2). */
export const matrixDocumentOf = (
  loaded: LoadedDocument,
  validators: SchemaValidators,
  options: { displayPath: string; verdict: boolean },
): MatrixDocument => {
  if (!validators.has(KEY_COMPONENT)) {
    throw new SpecError(loaded.path, `no components/schemas/${KEY_COMPONENT} to validate key bodies with`);
  }
  return {
    spec: {
      path: options.displayPath,
      openapi: loaded.document.openapi,
      version: loaded.document.info.version,
      sha256: loaded.sha256,
    },
    validators,
    verdict: options.verdict,
  };
};

/** The body of a live answer the matrix can judge: a 2xx whose text is JSON; undefined otherwise. */
export const matrixBodyOf = (
  key: string,
  answer: { status: number; text: string },
): MatrixBody | undefined => {
  if (answer.status < 200 || answer.status >= 300) return undefined;
  try {
    return { key, body: JSON.parse(answer.text) };
  } catch {
    return undefined;
  }
};

/** Each body validated against each document, as the schema check does (same strictness). */
export const specMatrix = (
  documents: readonly MatrixDocument[],
  bodies: readonly MatrixBody[],
  options: { strict: boolean },
): SpecMatrix => ({
  keys: bodies.map((b) => b.key),
  rows: documents.map(({ spec, validators, verdict }) => ({
    spec,
    verdict,
    cells: bodies.map(({ key, body }) => {
      const { valid, findings } = validators.validate(KEY_COMPONENT, body, { strict: options.strict });
      const errors = findings.filter((f) => f.severity === 'error');
      const warnings = findings.filter((f) => f.severity !== 'error');
      return {
        key,
        conforms: valid,
        errors: errors.length,
        warnings: warnings.length,
        pointers: [...errors, ...warnings].slice(0, MATRIX_POINTERS).map((f) => f.pointer),
      };
    }),
  })),
});
