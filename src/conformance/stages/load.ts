import { type LoadedPact, loadPacts } from '../../contract/pact.ts';
import { type LoadedDocument, loadDocument, SpecError } from '../../spec/document.ts';
import { OperationError, type RetrieveOperation, retrieveOperationOf } from '../../spec/operation.ts';
import { type SchemaValidators, validatorsFor } from '../../spec/validators.ts';
import type { RunConfig } from '../config.ts';
import { ownerKinds } from '../semantic.ts';

// Stage 1, load: the pacts, then the OpenAPI document and what is compiled from it. Each is read once
// and validated here, so bad configuration fails (PactFileError, SpecError: exit 2) before any traffic.

/** The pacts of a run, validated: `interactions` a non-empty array of objects. Throws a PactFileError. */
export const loadRunPacts = (config: Pick<RunConfig, 'pacts'>): LoadedPact[] => loadPacts(config.pacts);

export interface LoadedOpenApi {
  spec: LoadedDocument;
  validators: SchemaValidators;
  /** The retrieve operation: its method and the path template every request is built from. */
  operation: RetrieveOperation;
  /** The owner kinds `owner.type` may name (`user`, `service_account`). */
  ownerKinds: string[];
}

/** The document, its validators and its operation. Throws a SpecError. */
export const loadOpenApi = (config: Pick<RunConfig, 'specPath'>): LoadedOpenApi => {
  const spec = loadDocument(config.specPath);
  let operation: RetrieveOperation;
  try {
    operation = retrieveOperationOf(spec.document);
  } catch (error) {
    if (error instanceof OperationError) throw new SpecError(spec.path, error.message);
    throw error;
  }
  return {
    spec,
    validators: validatorsFor(spec.document),
    operation,
    ownerKinds: ownerKinds(spec.document),
  };
};
