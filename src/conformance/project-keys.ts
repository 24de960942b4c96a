import type { LoadedPact } from '../contract/pact.ts';
import { LIST_STATES, PROVIDER_STATES, STATE_LABELS } from '../pact/provider-states.ts';
import type { KeyIdRecord, ProjectKeys, SweepRecord } from '../report/conformance-result.ts';
import type { OmittedExchanges } from '../transport/recorder.ts';
import type { RunConfig, TargetIds } from './config.ts';
import { DISCOVERED_STATES, type Discovery } from './stages/discover.ts';
import type { ListSource } from './stages/list-source.ts';

// What a run with discovery or --sweep says about the project's keys: which ids the key states used and
// where each came from, which list operation was read, and what listing found. Pure.

/** Discovery runs on a live target given a project but not both key ids: ids given by flag win. */
export const needsDiscovery = (config: Pick<RunConfig, 'baseUrl' | 'ids'>): boolean =>
  config.baseUrl !== undefined &&
  config.ids.projectId !== undefined &&
  (config.ids.userKeyId === undefined || config.ids.serviceAccountKeyId === undefined);

/** Whether the run reads the list at all: discovery, --sweep, or a pact with the list's provider state. */
export function needsList(
  config: Pick<RunConfig, 'baseUrl' | 'ids' | 'sweep'>,
  pacts: readonly Pick<LoadedPact, 'interactions'>[],
): boolean {
  const listState = (state: string | undefined) => LIST_STATES.some((key) => state === PROVIDER_STATES[key]);
  return (
    config.sweep ||
    needsDiscovery(config) ||
    pacts.some((pact) => pact.interactions.some((interaction) => listState(interaction.state)))
  );
}

/** The key states' ids when nothing was discovered: given by flag, seeded by the reference provider, or none. */
export function keyIdRecordsOf(
  ids: TargetIds,
  reference: boolean,
  skipReason: (flag: string) => string,
): KeyIdRecord[] {
  return DISCOVERED_STATES.map((wanted) => {
    const state = STATE_LABELS[wanted.state];
    const id = ids[wanted.key];
    if (id === undefined) return { state, source: 'none', detail: skipReason(wanted.flag) };
    return reference
      ? {
          state,
          id,
          source: 'reference provider',
          detail: 'seeded by the reference provider the run started',
        }
      : { state, id, source: 'flag', detail: `given by ${wanted.flag}` };
  });
}

export interface ProjectKeysInput {
  projectId: string;
  source: ListSource;
  records: KeyIdRecord[];
  discovery?: Pick<Discovery, 'pages' | 'keysRead'>;
  sweep?: Omit<SweepRecord, 'exchangesNotKept'>;
  omitted: readonly OmittedExchanges[];
}

/** The reports' section on the project's keys. */
export function projectKeysOf(input: ProjectKeysInput): ProjectKeys {
  const notKept = input.omitted
    .filter((group) => group.prefix.startsWith('sweep'))
    .reduce((sum, g) => sum + g.omitted, 0);
  return {
    projectId: input.projectId,
    list: input.source.record,
    ids: input.records,
    ...(input.discovery && {
      discovery: { pages: input.discovery.pages, keysRead: input.discovery.keysRead },
    }),
    ...(input.sweep && { sweep: { ...input.sweep, exchangesNotKept: notKept } }),
  };
}
