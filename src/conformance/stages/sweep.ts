import type { ProjectApiKeyClient } from '../../client/client.ts';
import type { CheckCategory, CheckResult } from '../../core/check.ts';
import type { Finding } from '../../core/finding.ts';
import type { SweepRecord } from '../../report/conformance-result.ts';
import type { ExchangeRecorder } from '../../transport/recorder.ts';
import { compareWithListEntry } from '../list-agreement.ts';
import { type ListedKey, type ListSchemas, pagingFor } from '../list-page.ts';
import { ListChecks, labelled, readListPages } from '../list-reader.ts';
import { checkRetrievedKey, type LiveContext, type LiveOutcome } from '../live-checks.ts';
import { RuleTally, subjectName } from '../rule-tally.ts';
import { pageLimit } from './discover.ts';
import { leakedKeyOf } from './live.ts';

// --sweep: every key the list shows, retrieved, up to --max-keys, --concurrency at a time. Each goes through
// the schema, semantic and security checks and is compared with its list entry; a listed key that answers
// 404 fails. Memory stays flat however many keys there are: a page is read while the one before is being
// retrieved, checks are one per rule with counts (RuleTally), and the recorder keeps only some exchanges.

/** Exchanges kept of a sweep: the first ones, and those of failing keys up to a bound. */
export const SWEEP_EXCHANGES_KEPT = { first: 20, failing: 100 } as const;
/** Leaked whole keys kept as secrets to redact: the reports redact any whole-looking key anyway. */
const MAX_LEAKED = 100;
/** How often a long sweep says how far it is. */
export const DEFAULT_PROGRESS_EVERY_MS = 5000;

export interface SweepOptions {
  client: ProjectApiKeyClient;
  projectId: string;
  maxKeys: number;
  concurrency: number;
  limit: { min: number; max: number };
  schemas: ListSchemas;
  listComponent: string;
  context: LiveContext;
  recorder: ExchangeRecorder;
  signal?: AbortSignal;
  log?(line: string): void;
  progressEveryMs?: number;
}

/** At most `slots` pieces of work at once, in the order they asked. */
class Slots {
  #free: number;
  readonly #waiting: (() => void)[] = [];
  constructor(slots: number) {
    this.#free = slots;
  }
  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.#free > 0) this.#free--;
    else await new Promise<void>((resolve) => this.#waiting.push(resolve));
    try {
      return await work();
    } finally {
      const next = this.#waiting.shift();
      if (next) next();
      else this.#free++;
    }
  }
}

const KEY_RULES: [CheckCategory, string][] = [
  ['transport', 'status and content-type'],
  ['schema', 'body is a ProjectApiKey'],
  ['semantic', 'owner and id agree with the request'],
  ['security', 'nothing secret is exposed'],
];

/** A listed key's retrieve against its list entry: 404 means listed but not there; else field by field. */
function agreementOf(key: ListedKey, outcome: LiveOutcome): Finding[] | string {
  if (outcome.kind === 'failure') return 'no response';
  if (outcome.status === 404) {
    return [
      {
        pointer: '',
        keyword: 'listedNotFound',
        message: 'the list shows this key, but its retrieve answers 404',
        severity: 'error',
      },
    ];
  }
  if (outcome.status < 200 || outcome.status >= 300) return `status ${outcome.status}`;
  // The provider's JSON reading (a key twice is a finding) is the transport check's; here, the values.
  try {
    return compareWithListEntry(key.entry, JSON.parse(outcome.text));
  } catch {
    return 'no JSON body';
  }
}

/** The sweep: start it with run(); snapshot() gives its checks and counts at any moment, a stop included. */
export class Sweep {
  readonly #options: SweepOptions;
  readonly #list: ListChecks;
  readonly #rules: RuleTally[];
  readonly #agreement = new RuleTally('sweep: every listed key is retrieved as listed', 'list', 'keys');
  readonly leaked: string[] = [];
  #started = 0;
  #finished: number | undefined;
  #pages = 0;
  #listed = 0;
  #retrieved = 0;
  #failedKeys = 0;
  #stoppedBecause: string | undefined;

  constructor(options: SweepOptions) {
    this.#options = options;
    this.#list = new ListChecks('sweep', options.listComponent);
    this.#rules = KEY_RULES.map(
      ([category, rule]) => new RuleTally(`sweep: every listed key: ${rule}`, category, 'keys'),
    );
    options.recorder.keepInPart('sweep: ', SWEEP_EXCHANGES_KEPT.first, SWEEP_EXCHANGES_KEPT.failing);
  }

  /** Retrieves one listed key and judges it; its exchanges are kept when it fails. */
  async #sweepKey(key: ListedKey): Promise<void> {
    const { client, projectId, recorder, signal } = this.#options;
    const read = await labelled(
      recorder,
      `sweep: key ${key.id}`,
      () => client.exchange(projectId, key.id),
      signal,
    );
    if (read === undefined) return;
    const { outcome } = read;
    this.#retrieved++;
    const subject = subjectName(key.id);
    const recorded = { exchangeIds: outcome.exchangeIds, attempts: outcome.attempts };
    const state = key.ownerType === 'service_account' ? 'serviceAccountKey' : 'userKey';
    const drafts = checkRetrievedKey(state, key.id, outcome, this.#options.context);
    let failed = false;
    for (const draft of drafts) {
      const tally = this.#rules[KEY_RULES.findIndex(([category]) => category === draft.category)];
      if (!tally) continue;
      // The owner type a retrieve states against the one listed is the agreement check's, not a flag's.
      const findings = draft.findings.filter((f) => f.keyword !== 'ownerType');
      if (draft.status === 'skip') tally.skip(draft.skipReason ?? 'nothing to judge', recorded);
      else tally.add(subject, findings, recorded);
      failed ||= findings.some((f) => f.severity === 'error');
    }
    const agreement = agreementOf(key, outcome);
    if (typeof agreement === 'string') this.#agreement.skip(agreement, recorded);
    else {
      this.#agreement.add(subject, agreement, recorded);
      failed ||= agreement.some((f) => f.severity === 'error');
    }
    if (failed) {
      this.#failedKeys++;
      for (const exchange of read.exchanges) recorder.retain(exchange);
    }
    const leakedKey = leakedKeyOf(outcome, drafts);
    if (leakedKey && this.leaked.length < MAX_LEAKED) this.leaked.push(leakedKey);
  }

  #progress(final = false): string {
    const elapsed = ((this.#finished ?? performance.now()) - this.#started) / 1000;
    const rate = elapsed > 0 ? Math.round(this.#retrieved / elapsed) : 0;
    const total =
      this.#stoppedBecause !== undefined || final ? `${this.#listed}` : `${this.#listed} listed so far`;
    return `  sweep: ${this.#retrieved} of ${total} keys retrieved in ${elapsed.toFixed(1)} s (${rate} keys/s), ${this.#failedKeys} failing`;
  }

  /** Lists and retrieves until the list ends, --max-keys, a pagination fault or a stop. */
  async run(): Promise<void> {
    const options = this.#options;
    this.#started = performance.now();
    const slots = new Slots(options.concurrency);
    const inFlight = new Set<Promise<void>>();
    // Woken as each key is done: waiting on a race of all those in flight would cost a reaction on each.
    let room: (() => void) | undefined;
    const ticker = setInterval(
      () => options.log?.(this.#progress()),
      options.progressEveryMs ?? DEFAULT_PROGRESS_EVERY_MS,
    );
    ticker.unref();
    try {
      const pages = readListPages({
        client: options.client,
        projectId: options.projectId,
        paging: pagingFor(pageLimit(options.maxKeys, options.limit), options.maxKeys),
        schemas: options.schemas,
        recorder: options.recorder,
        labelOf: (number) => `sweep: list page ${number}`,
        ...(options.signal && { signal: options.signal }),
        // A page's request takes a slot like a retrieve: --concurrency counts every request in flight.
        through: (request) => slots.run(request),
      })[Symbol.asyncIterator]();
      // One page ahead: the next page is read while this one's keys are retrieved.
      for (let next = pages.next(); ; ) {
        const { value: page, done } = await next;
        if (done) break;
        next = pages.next();
        this.#pages = page.number;
        this.#list.add(page);
        this.#listed += page.keys.length;
        if (page.step.kind === 'stop') this.#stoppedBecause = page.step.reason;
        for (const key of page.keys) {
          // A backlog of two rounds at most, so the keys of one page at a time are held.
          while (inFlight.size >= options.concurrency * 2) {
            await new Promise<void>((resolve) => {
              room = resolve;
            });
          }
          if (options.signal?.aborted) break;
          const task: Promise<void> = slots
            .run(() => this.#sweepKey(key))
            .finally(() => {
              inFlight.delete(task);
              room?.();
              room = undefined;
            });
          inFlight.add(task);
        }
      }
      await Promise.all(inFlight);
    } finally {
      clearInterval(ticker);
      this.#finished = performance.now();
      if (options.signal?.aborted) this.#stoppedBecause ??= 'the run was stopped';
    }
    options.log?.(this.#progress(true));
  }

  /** The sweep's checks and counts as they stand. */
  snapshot(): { checks: CheckResult[]; record: Omit<SweepRecord, 'exchangesNotKept'> } {
    const durationMs = Math.round((this.#finished ?? performance.now()) - this.#started);
    const nothing = 'no listed key was retrieved';
    const keyChecks = [...this.#rules, this.#agreement];
    const each = Math.round(durationMs / (keyChecks.length + 4));
    return {
      checks: [...this.#list.checks(each * 4), ...keyChecks.map((tally) => tally.check(each, nothing))],
      record: {
        maxKeys: this.#options.maxKeys,
        concurrency: this.#options.concurrency,
        pages: this.#pages,
        listed: this.#listed,
        retrieved: this.#retrieved,
        failedKeys: this.#failedKeys,
        durationMs,
        keysPerSecond: durationMs > 0 ? Math.round((this.#retrieved * 1000 * 10) / durationMs) / 10 : 0,
        ...(this.#stoppedBecause !== undefined && { stoppedBecause: this.#stoppedBecause }),
      },
    };
  }
}
