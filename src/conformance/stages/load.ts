import { type LoadedDocument, loadDocument, SpecError } from '../../openapi/document.ts';
import { OperationError, type RetrieveOperation, retrieveOperationOf } from '../../openapi/operation.ts';
import type { RunConfig } from '../config.ts';

// Stage 1, load: the pacts (pacts.ts), the OpenAPI document and its operation (here), the validators
// compiled from it (compile.ts). Each is read once and validated, so bad configuration fails
// (PactFileError, SpecError: exit 2) before any traffic. Three modules, so each loads only what it needs:
// the verifier can start on the pacts, and send its requests once the document is read, while ajv loads.

export interface LoadedSpec {
  spec: LoadedDocument;
  /** The retrieve operation: its method and the path template every request is built from. */
  operation: RetrieveOperation;
}

/** The document and its retrieve operation. Throws a SpecError. */
export function loadSpec(config: Pick<RunConfig, 'specPath'>): LoadedSpec {
  const spec = loadDocument(config.specPath);
  try {
    return { spec, operation: retrieveOperationOf(spec.document) };
  } catch (error) {
    if (error instanceof OperationError) throw new SpecError(spec.path, error.message);
    throw error;
  }
}
