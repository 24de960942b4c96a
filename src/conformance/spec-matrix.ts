import { nestedDeeperThan } from '../core/json.ts';
import type { LoadedDocument } from '../openapi/document.ts';
import { SpecError } from '../openapi/document.ts';
import type { SchemaValidators } from '../openapi/validators.ts';
import type { MatrixSpec, SpecMatrix } from '../report/conformance-result.ts';

// Which version of the document does the target serve? Every live 2xx key body held to each document
// given (--spec and every --also-spec): a matrix document × key → conforms, or how many findings and where.
// Pure: bodies and validators in, the matrix out. It informs; the verdict comes from --spec alone.

/** The component a retrieved key body is validated as, in every version of the document. */
export const KEY_COMPONENT = 'ProjectApiKey';

/** How many pointers a cell names; the run's checks have every finding of --spec. */
export const MATRIX_POINTERS = 3;

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
  let body: unknown;
  try {
    body = JSON.parse(answer.text);
  } catch {
    return undefined;
  }
  // The live checks refuse it; the other documents' validators, which may recurse with it, never see it.
  return nestedDeeperThan(body) ? undefined : { key, body };
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
