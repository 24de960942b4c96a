import { NoResponseError, type ProjectApiKeyClient, type RawResponse } from '../client/client.ts';
import type { CheckResult } from '../core/check.ts';
import type { Finding } from '../core/finding.ts';
import type { Exchange } from '../transport/exchange.ts';
import type { ExchangeRecorder } from '../transport/recorder.ts';
import {
  type ListedKey,
  type ListSchemas,
  listBodyFindings,
  listSecretFindings,
  type PageStep,
  type Paging,
  pageStep,
} from './list-page.ts';
import { echoedSecrets, type LiveOutcome, transportOf } from './live-checks.ts';
import { RuleTally } from './rule-tally.ts';
import { recordedOf } from './stages/verify.ts';

// Reads a project's list page by page through the client (so through the transport policy, recorded and
// redacted like every exchange), judging each page as it comes: discovery stops when it has what it
// needs, the sweep reads to the end, --max-keys or a pagination fault.

/** A page as read and judged. */
export interface ListPage {
  /** From 1. */
  number: number;
  outcome: LiveOutcome;
  /** Status, content type, JSON, and a credential echoed anywhere in the answer. */
  transport: Finding[];
  /** Undefined when there was no list body to judge (no response, not 200, not JSON). */
  schema: Finding[] | undefined;
  security: Finding[] | undefined;
  /** Pagination faults (cursor, has_more, last_id, too many pages). */
  paging: Finding[];
  keys: ListedKey[];
  step: PageStep;
}

export interface ListReadOptions {
  /** A client with the list operation, whose fetch is the transport policy's. */
  client: ProjectApiKeyClient;
  projectId: string;
  paging: Paging;
  schemas: ListSchemas;
  recorder: ExchangeRecorder;
  /** The recorder label of a page's exchanges (page number from 1). */
  labelOf(page: number): string;
  signal?: AbortSignal;
  /** Runs each page's request (the sweep's: in one of its --concurrency slots). */
  through?<T>(request: () => Promise<T>): Promise<T>;
}

/** A request's answer (or why none came) and its exchanges, as the live checks read them. */
export function outcomeOf(
  answer: RawResponse | NoResponseError,
  exchanges: readonly Exchange[],
): LiveOutcome {
  if (answer instanceof NoResponseError)
    return { kind: 'failure', message: answer.message, ...recordedOf(exchanges) };
  const { url, status, headers, text } = answer;
  return { kind: 'response', url, status, headers, text, ...recordedOf(exchanges) };
}

/**
 * Sends `request` labelled `label`, collecting its exchanges; undefined when the run was stopped meanwhile
 * (an aborted request is no answer to judge).
 */
export async function labelled(
  recorder: ExchangeRecorder,
  label: string,
  request: () => Promise<RawResponse>,
  signal: AbortSignal | undefined,
): Promise<{ outcome: LiveOutcome; exchanges: Exchange[] } | undefined> {
  const exchanges: Exchange[] = [];
  let answer: RawResponse | NoResponseError;
  try {
    answer = await recorder.withCheck(label, request, exchanges);
  } catch (error) {
    if (!(error instanceof NoResponseError)) throw error;
    answer = error;
  }
  if (signal?.aborted) return undefined;
  return { outcome: outcomeOf(answer, exchanges), exchanges };
}

/** Judges one page's answer; the paging moves on only when there was a list to read. */
function judgePage(number: number, outcome: LiveOutcome, options: ListReadOptions): ListPage {
  const transport = transportOf(outcome, (status) =>
    status === 200 ? undefined : `status is ${status}, expected 200 for the project's list`,
  );
  const base = { number, outcome, transport: [...transport.findings, ...echoedSecrets(outcome)] };
  if (outcome.kind === 'failure' || outcome.status !== 200 || transport.json === undefined) {
    const why = outcome.kind === 'failure' ? 'no response' : `status ${outcome.status}`;
    options.paging.pages++;
    return {
      ...base,
      schema: undefined,
      security: undefined,
      paging: [],
      keys: [],
      step: { kind: 'stop', reason: `page ${number} could not be read (${why})`, fault: true },
    };
  }
  const body = transport.json;
  const verdict = pageStep(options.paging, body);
  return {
    ...base,
    schema: listBodyFindings(body, options.schemas),
    security: listSecretFindings(body),
    paging: verdict.findings,
    keys: verdict.keys,
    step: verdict.step,
  };
}

/** The project's list, a judged page at a time, until the list ends, --max-keys, a fault or a stop. */
export async function* readListPages(options: ListReadOptions): AsyncGenerator<ListPage> {
  const { client, projectId, paging } = options;
  let after: string | undefined;
  for (let number = 1; !options.signal?.aborted; number++) {
    const query = { limit: paging.limit, ...(after === undefined ? {} : { after }) };
    const request = () => client.listExchange(projectId, query);
    const read = await labelled(
      options.recorder,
      options.labelOf(number),
      options.through ? () => (options.through as NonNullable<ListReadOptions['through']>)(request) : request,
      options.signal,
    );
    if (read === undefined) return;
    const page = judgePage(number, read.outcome, options);
    yield page;
    if (page.step.kind !== 'next') return;
    after = page.step.after;
  }
}

/** The list's four checks over its pages, named for the stage that read them (`discovery`, `sweep`). */
export class ListChecks {
  readonly #transport: RuleTally;
  readonly #schema: RuleTally;
  readonly #security: RuleTally;
  readonly #paging: RuleTally;

  constructor(stage: string, listComponent: string) {
    this.#transport = new RuleTally(
      `${stage}: the project's list: status and content-type`,
      'transport',
      'pages',
    );
    this.#schema = new RuleTally(
      `${stage}: the project's list: each page is a ${listComponent}`,
      'schema',
      'pages',
    );
    this.#security = new RuleTally(
      `${stage}: the project's list: nothing secret is exposed`,
      'security',
      'pages',
    );
    this.#paging = new RuleTally(
      `${stage}: the project's list: its cursor and has_more hold`,
      'list',
      'pages',
    );
  }

  add(page: ListPage): void {
    const subject = `page ${page.number}`;
    const recorded = { exchangeIds: page.outcome.exchangeIds, attempts: page.outcome.attempts };
    this.#transport.add(subject, page.transport, recorded);
    const why = page.outcome.kind === 'failure' ? 'no response' : 'no list body';
    for (const [tally, findings] of [
      [this.#schema, page.schema],
      [this.#security, page.security],
    ] as const) {
      if (findings === undefined) tally.skip(why, recorded);
      else tally.add(subject, findings, recorded);
    }
    // The paging is judged only of a page there was a list on; a page that was none stops it (transport says why).
    if (page.schema === undefined) this.#paging.skip(why, recorded);
    else this.#paging.add(subject, page.paging, recorded);
  }

  checks(durationMs: number): CheckResult[] {
    const nothing = 'no page of the list was read';
    const tallies = [this.#transport, this.#schema, this.#security, this.#paging];
    const each = Math.round(durationMs / tallies.length);
    return tallies.map((tally) => tally.check(each, nothing));
  }
}
