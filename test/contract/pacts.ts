import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type LoadedPact, loadPacts } from '../../src/contract/pact.ts';
import { CONTRACT_PATH } from '../../src/contract/pact-file.ts';
import { PROVIDER_STATES, type StateKey } from '../../src/pact/provider-states.ts';
import { LOCAL_INVALID_KEY } from './providers.ts';

// Pacts for verification tests: the committed pact, edited as data, and how to tell which provider state
// an interaction names or a request the local provider saw was for.

export interface InteractionJson {
  description: string;
  providerStates: { name: string }[];
  request: { method: string; headers: Record<string, string[]> };
  response: { status: number; body?: unknown; matchingRules?: unknown };
}
export type PactJson = { interactions: InteractionJson[] } & Record<string, unknown>;

/** The committed pact, edited, written to a scratch file and loaded as a run loads it. */
export const pactFrom = (scratch: string, name: string, edit: (pact: PactJson) => void): LoadedPact => {
  const pact = JSON.parse(readFileSync(CONTRACT_PATH, 'utf8')) as PactJson;
  edit(pact);
  const path = join(scratch, `${name}.json`);
  writeFileSync(path, JSON.stringify(pact));
  return loadPacts([{ path }])[0] as LoadedPact;
};
export const stateOfInteraction = (interaction: InteractionJson): StateKey =>
  (Object.keys(PROVIDER_STATES) as StateKey[]).find(
    (key) => PROVIDER_STATES[key] === interaction.providerStates[0]?.name,
  ) as StateKey;
/** Which state a request the local provider saw was for: its key id, and the bearer for the invalid key. */
export const stateOfRequest = (seen: { path: string; authorization: string | undefined }): string =>
  seen.authorization === `Bearer ${LOCAL_INVALID_KEY}`
    ? 'invalidAdminKey'
    : (seen.path.split('/').pop() ?? '');
