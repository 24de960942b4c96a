// Provider states: one sentence each, with the ids they are about. The consumer tests (given) and every
// provider side (the reference provider, a verification of a real deployment) read them from here only.

/** The params every state carries; a verification replaces them with ids that exist on the target. */
export interface StateParams {
  projectId: string;
  keyId: string;
}

export const PROVIDER_STATES = {
  userKey: 'a project API key owned by a user exists',
  serviceAccountKey: 'a project API key owned by a service account exists',
  unknownKey: 'no project API key with the requested id exists',
  invalidAdminKey: 'the admin key sent is not valid',
  projectKeys: 'a project with API keys exists',
} as const;

export type StateKey = keyof typeof PROVIDER_STATES;

/** Every state, in the order checks and reports list them. */
export const STATE_KEYS = Object.keys(PROVIDER_STATES) as StateKey[];

/** Short names for the states, for check names and progress lines a person scans. */
export const STATE_LABELS: Record<StateKey, string> = {
  userKey: 'key owned by a user',
  serviceAccountKey: 'key owned by a service account',
  unknownKey: 'unknown key',
  invalidAdminKey: 'invalid admin key',
  projectKeys: "project's keys",
};
export type StateDescription = (typeof PROVIDER_STATES)[StateKey];

/** Example ids written into the pact; placeholders shaped like real ids (`proj_…`, `key_…`). */
export const EXAMPLE_PARAMS: Record<StateKey, StateParams> = {
  userKey: { projectId: 'proj_abc', keyId: 'key_user_abc' },
  serviceAccountKey: { projectId: 'proj_abc', keyId: 'key_svc_abc' },
  unknownKey: { projectId: 'proj_abc', keyId: 'key_does_not_exist' },
  invalidAdminKey: { projectId: 'proj_abc', keyId: 'key_user_abc' },
  // The list's state names the project; the key is one it holds, so a provider can make the state true.
  projectKeys: { projectId: 'proj_abc', keyId: 'key_user_abc' },
};

/** The states whose request is the list operation's (by project), not the retrieve operation's. */
export const LIST_STATES: readonly StateKey[] = ['projectKeys'];

/** The admin key the pact shows: an obvious placeholder, replaced at verification time, never real. */
export const EXAMPLE_ADMIN_KEY = 'sk-admin-EXAMPLE';

export const stateKeyOf = (description: string): StateKey | undefined =>
  (Object.keys(PROVIDER_STATES) as StateKey[]).find((key) => PROVIDER_STATES[key] === description);

/**
 * What a provider does to make a state true and which ids then hold; the returned params fill the
 * pact's `fromProviderState` expressions. `undefined` means the state cannot be set up (skipped, not passed).
 */
export type StateSetup = (
  key: StateKey,
  params: StateParams,
) => Promise<StateParams | undefined> | StateParams | undefined;
