// The bundled reference provider: one import for the conformance run, the CLI and tests. index.ts is a
// folder's one entry point, the same role src/lib/index.ts plays for the package.
export {
  createReferenceProvider,
  DEFAULT_FAULT_OPTIONS,
  type FaultOptions,
  type ReferenceProvider,
  type ReferenceProviderOptions,
} from './app.ts';
export type { KeyFacts, OwnerFacts, OwnerType } from './bodies.ts';
export {
  FAULT_NAMES,
  FAULTS,
  type Fault,
  type FaultName,
  faultNamed,
  isFaultName,
  TRANSIENT_FAULTS,
} from './faults.ts';
export type { OtherOrigin, OtherOriginRequest } from './other-origin.ts';
export { redactedValueOf } from './redaction.ts';
export { normalizePathPrefix, RouteError } from './route.ts';
export {
  conformanceFlags,
  DEFAULT_HOST,
  type RunningReferenceProvider,
  type StartReferenceProviderOptions,
  startReferenceProvider,
} from './server.ts';
export {
  createStore,
  type ProjectApiKeyStore,
  REFERENCE_OWNERS,
  REFERENCE_SEED,
  type ReferenceSeed,
  type SeedKeyInput,
} from './store.ts';
