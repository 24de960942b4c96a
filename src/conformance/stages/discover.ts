import type { ProjectApiKeyClient } from '../../client/client.ts';
import type { CheckResult } from '../../core/check.ts';
import { oneLine, plural } from '../../core/text.ts';
import { STATE_LABELS } from '../../pact/provider-states.ts';
import type { KeyIdRecord } from '../../report/conformance-result.ts';
import type { ExchangeRecorder } from '../../transport/recorder.ts';
import type { TargetIds } from '../config.ts';
import { type ListedKey, type ListSchemas, pagingFor } from '../list-page.ts';
import { ListChecks, readListPages } from '../list-reader.ts';
import { subjectName } from '../rule-tally.ts';

// Discovery: `--project-id` without a key id. The run lists the project's keys, following the cursor until
// it has one key of each owner type it lacks or the list ends (at most --max-keys read); the first
// user-owned and the first service-account-owned key serve those states. Ids given by flag win. The
// pages it reads are checked like any list: through the transport policy, against the list's schema.

/** The key states discovery can fill, with the owner type and the flag of each. */
export const DISCOVERED_STATES = [
  { key: 'userKeyId', state: 'userKey', ownerType: 'user', flag: '--user-key-id' },
  {
    key: 'serviceAccountKeyId',
    state: 'serviceAccountKey',
    ownerType: 'service_account',
    flag: '--service-account-key-id',
  },
] as const;

type Wanted = (typeof DISCOVERED_STATES)[number];

export interface DiscoveryOptions {
  client: ProjectApiKeyClient;
  projectId: string;
  /** The ids given by flag. */
  given: TargetIds;
  maxKeys: number;
  /** The list operation's limit bounds. */
  limit: { min: number; max: number };
  schemas: ListSchemas;
  listComponent: string;
  recorder: ExchangeRecorder;
  signal?: AbortSignal;
  log?(line: string): void;
}

export interface Discovery {
  ids: TargetIds;
  /** Where each key state's id came from, or why it has none. */
  records: KeyIdRecord[];
  /** Why a state has no id, for its skipped checks. */
  skipReasons: Partial<Record<Wanted['state'], string>>;
  pages: number;
  keysRead: number;
  checks: CheckResult[];
}

/** Keys per page: as many as the list gives (up to --max-keys), within the document's bounds. */
export const pageLimit = (maxKeys: number, limit: { min: number; max: number }): number =>
  Math.max(limit.min, Math.min(limit.max, maxKeys));

const foundAt = (key: ListedKey): string => `page ${key.page}, entry ${key.index + 1} of the list`;

/** The records and skip reasons once the pages are read: flag, found, or why not. */
function outcomeOf(
  options: DiscoveryOptions,
  found: Map<Wanted['state'], ListedKey>,
  read: { pages: number; keysRead: number; stop: string | undefined },
): Pick<Discovery, 'ids' | 'records' | 'skipReasons'> {
  const ids: TargetIds = { ...options.given };
  const records: KeyIdRecord[] = [];
  const skipReasons: Discovery['skipReasons'] = {};
  for (const wanted of DISCOVERED_STATES) {
    const label = STATE_LABELS[wanted.state];
    const given = options.given[wanted.key];
    const key = found.get(wanted.state);
    if (given !== undefined) {
      records.push({ state: label, id: given, source: 'flag', detail: `given by ${wanted.flag}` });
    } else if (key) {
      ids[wanted.key] = key.id;
      records.push({ state: label, id: key.id, source: 'list', detail: `discovered: ${foundAt(key)}` });
    } else {
      const how = `${plural(read.keysRead, 'key')} on ${plural(read.pages, 'page')}`;
      const owner = `a ${wanted.ownerType.replace('_', ' ')}`;
      const reason = read.stop
        ? `discovery found no key owned by ${owner} before the list stopped (${how}): ${read.stop}; no ${wanted.flag} given`
        : `the project's list (${how}) has no key owned by ${owner}, and no ${wanted.flag} was given`;
      records.push({ state: label, source: 'none', detail: reason });
      skipReasons[wanted.state] = reason;
    }
  }
  return { ids, records, skipReasons };
}

/** Lists the project's keys until each owner type the flags lack is found, or the list stops. */
export async function discoverStage(options: DiscoveryOptions): Promise<Discovery> {
  const started = performance.now();
  const missing = DISCOVERED_STATES.filter((wanted) => options.given[wanted.key] === undefined);
  const paging = pagingFor(pageLimit(options.maxKeys, options.limit), options.maxKeys);
  const checks = new ListChecks('discovery', options.listComponent);
  const found = new Map<Wanted['state'], ListedKey>();
  let stop: string | undefined;
  for await (const page of readListPages({
    client: options.client,
    projectId: options.projectId,
    paging,
    schemas: options.schemas,
    recorder: options.recorder,
    labelOf: (number) => `discovery: list page ${number}`,
    ...(options.signal && { signal: options.signal }),
  })) {
    checks.add(page);
    for (const key of page.keys) {
      const wanted = missing.find((w) => w.ownerType === key.ownerType && !found.has(w.state));
      if (wanted) found.set(wanted.state, key);
    }
    if (found.size === missing.length) break;
    if (page.step.kind === 'stop') stop = page.step.reason;
  }
  for (const [state, key] of found) {
    // The id is the target's text: shown, never acted on (no terminal codes, no workflow commands).
    options.log?.(`  discovered ${STATE_LABELS[state]}: ${oneLine(subjectName(key.id))} (${foundAt(key)})`);
  }
  return {
    ...outcomeOf(options, found, { pages: paging.pages, keysRead: paging.keysRead, stop }),
    pages: paging.pages,
    keysRead: paging.keysRead,
    checks: checks.checks(Math.round(performance.now() - started)),
  };
}
