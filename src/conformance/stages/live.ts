import type { LoadedPact } from '../../contract/pact.ts';
import type { StateAnswer, StateExchange } from '../../contract/verify-pact.ts';
import {
  EXAMPLE_PARAMS,
  LIST_STATES,
  STATE_KEYS,
  type StateKey,
  type StateParams,
  type StateSetup,
} from '../../pact/provider-states.ts';
import type { ExchangeRecorder } from '../../transport/recorder.ts';
import type { CheckCollector } from '../collector.ts';
import {
  checkInvalidAdminKey,
  checkRetrievedKey,
  checkUnknownKey,
  type LiveContext,
  type LiveOutcome,
  STATE_LABELS,
  unseenAsSkipped,
} from '../live-checks.ts';
import { SKIP_REASONS } from '../target.ts';
import type { CheckDraft } from './contract.ts';
import { exchangeLabel, recordedOf } from './verify.ts';

// Stage 4, live checks: transport, schema, semantic and security checks of each provider state's answer.
// The answer is the one the gateway recorded when the verifier sent that state's request, so the pact
// and the live checks judge the same bytes; a state no interaction exercised is requested by the client.

/**
 * Every retrieve state gets its live checks, whether or not a pact interaction exercised it. The list's
 * state is judged by its pact interaction; discovery and --sweep check the list itself.
 */
export const LIVE_STATES: readonly StateKey[] = STATE_KEYS.filter((key) => !LIST_STATES.includes(key));

export interface LiveStageOptions {
  pact: Pick<LoadedPact, 'id'>;
  /** What the verifier's requests got, by state. */
  exchanges: ReadonlyMap<StateKey, StateExchange>;
  stateSetup: StateSetup;
  /** Why a state the target has no ids for is skipped: the flag to give, or what discovery found. */
  skipReasons?: Readonly<Record<StateKey, string>>;
  /** Sends a state's request with the client (labelled `label`) for a state no interaction exercised. */
  request(key: StateKey, params: StateParams, label: string): Promise<StateAnswer>;
  recorder: Pick<ExchangeRecorder, 'exchangesOf'>;
  context: LiveContext;
  collector: CheckCollector;
  signal?: AbortSignal;
  onChecked?(key: StateKey, checks: readonly CheckDraft[], reused: boolean): void;
  /** Each state's outcome as the checks read it: the --also-spec matrix takes its key bodies from here. */
  onOutcome?(key: StateKey, outcome: LiveOutcome): void;
}

/** An answer and the exchanges behind it, as the pure live checks read it. */
export const liveOutcomeOf = (answer: StateAnswer, recorded: ReturnType<typeof recordedOf>): LiveOutcome =>
  answer.kind === 'response'
    ? {
        kind: 'response',
        url: answer.url,
        status: answer.status,
        headers: answer.headers,
        text: answer.text,
        ...recorded,
      }
    : { kind: 'failure', message: answer.message, ...recorded };

/** The checks of one state's outcome. */
export const checksOfState = (
  key: StateKey,
  params: StateParams,
  outcome: LiveOutcome,
  context: LiveContext,
): CheckDraft[] => {
  // The list's state has no live checks of its own: its pact interaction, discovery and --sweep judge the list.
  if (key === 'projectKeys') return [];
  const checks =
    key === 'invalidAdminKey'
      ? checkInvalidAdminKey(outcome)
      : key === 'unknownKey'
        ? checkUnknownKey(outcome)
        : checkRetrievedKey(key, params.keyId, outcome, context);
  // Whatever the state, a check with no response to judge does not pass.
  return unseenAsSkipped(checks, outcome);
};

/** A whole key left in `redacted_value`: the result keeps it out of every report, like the admin key. */
export const leakedKeyOf = (outcome: LiveOutcome, checks: readonly CheckDraft[]): string | undefined => {
  if (outcome.kind !== 'response') return undefined;
  if (!checks.some((c) => c.findings.some((f) => f.keyword === 'redaction' && f.severity === 'error')))
    return;
  try {
    const value = (JSON.parse(outcome.text) as { redacted_value?: unknown }).redacted_value;
    return typeof value === 'string' ? value : undefined;
  } catch {
    return undefined;
  }
};

/** Runs the live checks of every state for one pact; returns the whole keys the target leaked. */
export const liveStage = async (options: LiveStageOptions): Promise<string[]> => {
  const { pact, collector, context, recorder } = options;
  const leaked: string[] = [];
  for (const key of LIVE_STATES) {
    if (options.signal?.aborted) break;
    const params = await options.stateSetup(key, EXAMPLE_PARAMS[key]);
    if (!params) {
      collector.add({
        name: `${STATE_LABELS[key]}: live request`,
        category: 'transport',
        status: 'skip',
        findings: [],
        durationMs: 0,
        skipReason: (options.skipReasons ?? SKIP_REASONS)[key],
        pact: pact.id,
      });
      continue;
    }
    const label = exchangeLabel(pact.id, key);
    const recorded = options.exchanges.get(key);
    await collector.timed(async () => {
      const answer = recorded?.answer ?? (await options.request(key, params, label));
      const outcome = liveOutcomeOf(answer, recordedOf(recorder.exchangesOf(label)));
      options.onOutcome?.(key, outcome);
      const checks = checksOfState(key, recorded?.params ?? params, outcome, context).map((c) => ({
        ...c,
        pact: pact.id,
      }));
      const leakedKey = leakedKeyOf(outcome, checks);
      if (leakedKey) leaked.push(leakedKey);
      options.onChecked?.(key, checks, recorded !== undefined);
      return checks;
    });
  }
  return leaked;
};
