import { type SchemaValidators, validatorsFor } from '../../openapi/validators.ts';
import type { RunConfig } from '../config.ts';
import { ownerKinds } from '../semantic.ts';
import { type LoadedSpec, loadSpec } from './load.ts';

// Stage 1, load, last part: what is compiled from the document (ajv validators, the owner kinds).

export interface LoadedOpenApi extends LoadedSpec {
  validators: SchemaValidators;
  /** The owner kinds `owner.type` may name (`user`, `service_account`). */
  ownerKinds: string[];
}

export function compileOpenApi(loaded: LoadedSpec): LoadedOpenApi {
  return {
    ...loaded,
    validators: validatorsFor(loaded.spec.document, loaded.spec.sha256, loaded.spec.path),
    ownerKinds: ownerKinds(loaded.spec.document),
  };
}

/** The document, its operation and its validators, in one call. Throws a SpecError. */
export function loadOpenApi(config: Pick<RunConfig, 'specPath'>): LoadedOpenApi {
  return compileOpenApi(loadSpec(config));
}
