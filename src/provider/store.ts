import { createHash } from 'node:crypto';
import type { ProjectApiKey } from '../core/types.ts';
import type { OpenApiDocument } from '../openapi/document.ts';
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
  /** Whether the key's owner has access to the project, whatever shape the bodies take; undefined for no key. */
  ownerProjectAccess(projectId: string, keyId: string): KeyFacts['ownerProjectAccess'] | undefined;
  /** The project's key ids in the order they were added: the order the list endpoint pages through. */
  keyIds(projectId: string): readonly string[];
  /** Forgets every project and key. */
  clear(): void;
  /**
   * Clears, then seeds the reference project with `keys` keys (default 2, the fewest): a user-owned and a
   * service-account-owned one, then more of each in turn.
   */
  reset(keys?: number): ReferenceSeed;
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

/** The most keys `reset` seeds: enough for a sweep's benchmark, few enough to hold in memory. */
export const MAX_SEEDED_KEYS = 100_000;

/** The `n`th extra key's id (n from 0): `key_` and 16 letters and digits, like the seeded ids, and stable. */
export const seededKeyId = (n: number): string =>
  `key_${createHash('sha256')
    .update(`reference key ${n}`)
    .digest('base64')
    .replace(/[^A-Za-z0-9]/g, '')
    .slice(0, 16)}`;

/** The facts a key is served from: its owner's, and the seeded defaults where the input gives none. */
function factsOf(input: SeedKeyInput): KeyFacts {
  return {
    id: input.keyId,
    name: input.name ?? KEY_NAMES[input.ownerType],
    createdAt: input.createdAt ?? SEEDED_AT,
    redactedValue: redactedValueOf(fakeProjectKeyFor(input.keyId)),
    lastUsedAt: (input.createdAt ?? SEEDED_AT) + LAST_USED_AFTER,
    ownerProjectAccess: 'active',
    owner: REFERENCE_OWNERS[input.ownerType],
  };
}

/** Projects and their keys in memory; bodies are built from the facts in the shape `document` gives. */
class MemoryKeyStore implements ProjectApiKeyStore {
  readonly #projects = new Map<string, Map<string, KeyFacts>>();
  // The list endpoint pages through a project's ids on every request: kept as an array until a key changes.
  readonly #ordered = new Map<string, readonly string[]>();

  constructor(readonly document: OpenApiDocument) {}

  #keysOf(projectId: string): Map<string, KeyFacts> {
    let keys = this.#projects.get(projectId);
    if (!keys) {
      keys = new Map();
      this.#projects.set(projectId, keys);
    }
    return keys;
  }

  #seedExtraKeys(projectId: string, count: number): void {
    const keys = this.#keysOf(projectId);
    for (let n = 0; n < count; n++) {
      const input: SeedKeyInput = {
        projectId,
        keyId: seededKeyId(n),
        ownerType: n % 2 === 0 ? 'user' : 'service_account',
        name: `Key ${n + 3}`,
        createdAt: SEEDED_AT + 60 * (n + 1),
      };
      keys.set(input.keyId, factsOf(input));
    }
    this.#ordered.delete(projectId);
  }

  seedKey(input: SeedKeyInput): ProjectApiKey {
    const keys = this.#keysOf(input.projectId);
    const existing = keys.get(input.keyId);
    if (existing?.owner.type !== input.ownerType) {
      keys.set(input.keyId, factsOf(input));
      this.#ordered.delete(input.projectId);
    }
    return this.findKey(input.projectId, input.keyId) as ProjectApiKey;
  }

  seedProject(projectId: string): void {
    this.#keysOf(projectId);
  }

  removeKey(projectId: string, keyId: string): boolean {
    this.#ordered.delete(projectId);
    return this.#projects.get(projectId)?.delete(keyId) ?? false;
  }

  findKey(projectId: string, keyId: string): ProjectApiKey | undefined {
    const facts = this.#projects.get(projectId)?.get(keyId);
    return facts && projectApiKeyBody(this.document, facts);
  }

  hasProject(projectId: string): boolean {
    return this.#projects.has(projectId);
  }

  ownerProjectAccess(projectId: string, keyId: string): KeyFacts['ownerProjectAccess'] | undefined {
    return this.#projects.get(projectId)?.get(keyId)?.ownerProjectAccess;
  }

  keyIds(projectId: string): readonly string[] {
    let ids = this.#ordered.get(projectId);
    if (!ids) {
      ids = [...(this.#projects.get(projectId)?.keys() ?? [])];
      this.#ordered.set(projectId, ids);
    }
    return ids;
  }

  clear(): void {
    this.#projects.clear();
    this.#ordered.clear();
  }

  reset(keys = 2): ReferenceSeed {
    if (!(Number.isSafeInteger(keys) && keys >= 2 && keys <= MAX_SEEDED_KEYS)) {
      throw new RangeError(`keys must be a whole number from 2 to ${MAX_SEEDED_KEYS}, got ${keys}`);
    }
    this.clear();
    const seed = REFERENCE_SEED;
    this.seedKey({ projectId: seed.projectId, keyId: seed.userKeyId, ownerType: 'user' });
    this.seedKey({
      projectId: seed.projectId,
      keyId: seed.serviceAccountKeyId,
      ownerType: 'service_account',
    });
    this.#seedExtraKeys(seed.projectId, keys - 2);
    return { ...seed };
  }

  bodyFor(input: SeedKeyInput): ProjectApiKey {
    return projectApiKeyBody(this.document, factsOf(input));
  }
}

export function createStore(document: OpenApiDocument): ProjectApiKeyStore {
  return new MemoryKeyStore(document);
}
