import { type LoadedPact, loadPacts } from '../../contract/pact.ts';
import type { RunConfig } from '../config.ts';

// Stage 1, load, first half: the pacts, read and validated once. Light on purpose: the verifier starts
// on the first pact before the document's parser and validators are loaded.

/** The pacts of a run, validated: `interactions` a non-empty array of objects. Throws a PactFileError. */
export function loadRunPacts(config: Pick<RunConfig, 'pacts'>): LoadedPact[] {
  return loadPacts(config.pacts);
}
