import type { OpenApiDocument } from '../openapi/document.ts';
import type { ProjectApiKey } from '../types.ts';
import { type KeyFacts, type OwnerFacts, type OwnerType, projectApiKeyBody } from './bodies.ts';
import { fakeProjectKeyFor, redactedValueOf } from './redaction.ts';

// The reference provider's data: projects and their keys, with seed/clear helpers the state handlers call.

/** The ids the provider starts with; a person passes them to a conformance run. */
export interface ReferenceSeed {
  projectId: string;
  userKeyId: string;
  serviceAccountKeyId: string;
}

export const REFERENCE_SEED: ReferenceSeed = {
  projectId: 'proj_Rf7sQk2LmZp9XwT4bN8cVd1E',
  userKeyId: 'key_Uq3TzR8mWv1YpK6s',
  serviceAccountKeyId: 'key_Sa9NcF2hJx5LbQ7d',
};

/** The owners seeded keys get: one project member, one service account. */
export const REFERENCE_OWNERS: Record<OwnerType, OwnerFacts> = {
  user: {
    type: 'user',
    id: 'user-7Hq2VnW9sLx3KpR4mZt8YbC1',
    name: 'Ada Lovelace',
    email: 'ada.lovelace@example.com',
    role: 'owner',
    since: 1711470000,
  },
  service_account: {
    type: 'service_account',
    id: 'svc_acct_4Jd8Wq1ZrT6yNm3B',
    name: 'ci-deployer',
    role: 'member',
    since: 1711470500,
  },
};

export interface SeedKeyInput {
  projectId: string;
  keyId: string;
  ownerType: OwnerType;
  name?: string;
  /** Unix seconds. */
  createdAt?: number;
}

export interface ProjectApiKeyStore {
  /** Adds the key (and its project); a key already there with the same owner type is kept as it is. */
  seedKey(input: SeedKeyInput): ProjectApiKey;
  /** Makes sure the project exists, with no keys added. */
  seedProject(projectId: string): void;
  removeKey(projectId: string, keyId: string): boolean;
  /** The key as the endpoint serves it, or undefined. */
  findKey(projectId: string, keyId: string): ProjectApiKey | undefined;
  hasProject(projectId: string): boolean;
  keyIds(projectId: string): string[];
  /** Forgets every project and key. */
  clear(): void;
  /** Clears, then seeds the reference project with a user-owned and a service-account-owned key. */
  reset(): ReferenceSeed;
  /** The body for any ids, stored or not: what a provider that fabricates keys would serve. */
  bodyFor(input: SeedKeyInput): ProjectApiKey;
}

const KEY_NAMES: Record<OwnerType, string> = {
  user: 'Local development',
  service_account: 'Deploy pipeline',
};
const SEEDED_AT = 1711471533;
/** Seeded keys were last used a day after they were made. */
const LAST_USED_AFTER = 86_400;

export const createStore = (document: OpenApiDocument): ProjectApiKeyStore => {
  const projects = new Map<string, Map<string, KeyFacts>>();

  const factsOf = (input: SeedKeyInput): KeyFacts => ({
    id: input.keyId,
    name: input.name ?? KEY_NAMES[input.ownerType],
    createdAt: input.createdAt ?? SEEDED_AT,
    redactedValue: redactedValueOf(fakeProjectKeyFor(input.keyId)),
    lastUsedAt: (input.createdAt ?? SEEDED_AT) + LAST_USED_AFTER,
    ownerProjectAccess: 'active',
    owner: REFERENCE_OWNERS[input.ownerType],
  });

  const keysOf = (projectId: string): Map<string, KeyFacts> => {
    let keys = projects.get(projectId);
    if (!keys) {
      keys = new Map();
      projects.set(projectId, keys);
    }
    return keys;
  };

  const store: ProjectApiKeyStore = {
    seedKey(input) {
      const keys = keysOf(input.projectId);
      const existing = keys.get(input.keyId);
      if (existing?.owner.type !== input.ownerType) keys.set(input.keyId, factsOf(input));
      return store.findKey(input.projectId, input.keyId) as ProjectApiKey;
    },
    seedProject(projectId) {
      keysOf(projectId);
    },
    removeKey: (projectId, keyId) => projects.get(projectId)?.delete(keyId) ?? false,
    findKey(projectId, keyId) {
      const facts = projects.get(projectId)?.get(keyId);
      return facts && projectApiKeyBody(document, facts);
    },
    hasProject: (projectId) => projects.has(projectId),
    keyIds: (projectId) => [...(projects.get(projectId)?.keys() ?? [])],
    clear: () => projects.clear(),
    reset() {
      projects.clear();
      const seed = REFERENCE_SEED;
      store.seedKey({ projectId: seed.projectId, keyId: seed.userKeyId, ownerType: 'user' });
      store.seedKey({
        projectId: seed.projectId,
        keyId: seed.serviceAccountKeyId,
        ownerType: 'service_account',
      });
      return { ...seed };
    },
    bodyFor: (input) => projectApiKeyBody(document, factsOf(input)),
  };
  return store;
};
