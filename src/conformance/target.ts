import type { StateKey, StateParams, StateSetup } from '../pact/provider-states.ts';
import type { ReferenceProviderOptions } from '../provider/index.ts';
import type { RunConfig, TargetIds } from './config.ts';
import { invalidAdminKeyLike, referenceAdminKey, seededIndex, unknownKeyIdLike } from './probes.ts';

// What a run verifies: a deployment given by flags, or the bundled reference provider started for the
// run (loaded only then). Either way the same ids, probes and state mapping.

/** The run's probes: fresh per seed, shaped like real ids and keys. */
export interface Probes {
  unknownKeyId: string;
  invalidAdminKey: string;
}

export interface RunTarget {
  /** The deployment, path prefix included. */
  baseUrl: string;
  reference: boolean;
  adminKey: string;
  ids: TargetIds;
  probes: Probes;
  stateSetup: StateSetup;
  /** Why each state is skipped when it has no ids: the flag to give, or what discovery found. */
  skipReasons: Record<StateKey, string>;
  close(): Promise<void>;
}

export const probesFor = (ids: TargetIds, adminKey: string, seed: number): Probes => ({
  unknownKeyId: unknownKeyIdLike(
    [ids.userKeyId, ids.serviceAccountKeyId].filter((id) => id !== undefined),
    seededIndex(seed, 'unknown key id'),
  ),
  invalidAdminKey: invalidAdminKeyLike(adminKey, seededIndex(seed, 'invalid admin key')),
});

/** Maps each provider state to ids on a deployment we do not control; missing ids skip the state. */
export const targetStateSetup = (ids: TargetIds, probes: Pick<Probes, 'unknownKeyId'>): StateSetup => {
  const project = ids.projectId;
  return (key: StateKey): StateParams | undefined => {
    if (!project) return undefined;
    switch (key) {
      case 'userKey':
        return ids.userKeyId ? { projectId: project, keyId: ids.userKeyId } : undefined;
      case 'serviceAccountKey':
        return ids.serviceAccountKeyId ? { projectId: project, keyId: ids.serviceAccountKeyId } : undefined;
      case 'unknownKey':
        return { projectId: project, keyId: probes.unknownKeyId };
      case 'invalidAdminKey':
      case 'projectKeys':
        return { projectId: project, keyId: ids.userKeyId ?? ids.serviceAccountKeyId ?? probes.unknownKeyId };
    }
  };
};

/**
 * The target with key ids found after it started (discovery): the states use them, the unknown key is
 * shaped like them (drawn from `seed`), and a state still without one is skipped with `skipReasons`' words.
 */
export function withIds(
  target: RunTarget,
  ids: TargetIds,
  skipReasons: Partial<Record<StateKey, string>>,
  seed: number,
): RunTarget {
  const known = [ids.userKeyId, ids.serviceAccountKeyId].filter((id) => id !== undefined);
  // From the seed, as at the start: the same seed and target give the same unknown id.
  const probes = {
    ...target.probes,
    unknownKeyId: unknownKeyIdLike(known, seededIndex(seed, 'unknown key id')),
  };
  return {
    ...target,
    ids,
    probes,
    stateSetup: targetStateSetup(ids, probes),
    skipReasons: { ...target.skipReasons, ...skipReasons },
  };
}

/** Why a state is skipped on a target: the flag that would have given its ids. */
export const SKIP_REASONS: Record<StateKey, string> = {
  userKey: 'no --project-id and --user-key-id given for a key owned by a user',
  serviceAccountKey:
    'no --project-id and --service-account-key-id given for a key owned by a service account',
  unknownKey: 'no --project-id given',
  invalidAdminKey: 'no --project-id given',
  projectKeys: 'no --project-id given',
};

/** Options for the reference provider a run starts when no --base-url is given. */
export type ReferenceOptions = Omit<ReferenceProviderOptions, 'adminKey'>;

/** The target of `config`: the deployment it names, or a reference provider started now. */
export const startTarget = async (
  config: RunConfig,
  reference: ReferenceOptions = {},
): Promise<RunTarget> => {
  if (config.baseUrl) {
    const adminKey = config.adminKey ?? '';
    const probes = probesFor(config.ids, adminKey, config.seed);
    return {
      baseUrl: config.baseUrl,
      reference: false,
      adminKey,
      ids: config.ids,
      probes,
      stateSetup: targetStateSetup(config.ids, probes),
      skipReasons: { ...SKIP_REASONS },
      close: async () => {},
    };
  }
  const { startReferenceProvider } = await import('../provider/index.ts');
  // From the seed too: the probes derived from the admin key are then the same on a replay.
  const adminKey = referenceAdminKey(seededIndex(config.seed, 'reference admin key'));
  const provider = await startReferenceProvider({ adminKey, ...reference });
  const ids = { ...provider.seed };
  const probes = probesFor(ids, adminKey, config.seed);
  return {
    baseUrl: provider.url,
    reference: true,
    adminKey,
    ids,
    probes,
    stateSetup: targetStateSetup(ids, probes),
    skipReasons: { ...SKIP_REASONS },
    close: () => provider.close(),
  };
};
