import type { LoadedPact } from '../../contract/pact.ts';
import {
  type PactVerification,
  type StateExchange,
  type VerifyTarget,
  verifyPact,
} from '../../contract/verify-pact.ts';
import { type StateKey, stateKeyOf } from '../../pact/provider-states.ts';
import type { Exchange } from '../../transport/exchange.ts';
import type { ExchangeRecorder } from '../../transport/recorder.ts';
import { SKIP_REASONS } from '../target.ts';
import type { CheckDraft } from './contract.ts';

// Stage 3, verify: one pact against the target, through the gateway and the static verifier. Each
// interaction becomes a pact check; each provider state's one request is kept for the live checks.

/** The label of the exchanges a state's request causes under one pact: checks find theirs by it. */
export const exchangeLabel = (pactId: string, key: StateKey): string => `${pactId}: ${key}`;

/** How many attempts a check's exchanges took (the most any one needed), which they were, any echo. */
export const recordedOf = (exchanges: readonly Exchange[]) => ({
  attempts: Math.max(1, ...exchanges.map((e) => e.attempts.length)),
  exchangeIds: exchanges.map((e) => e.id),
  echoes: [...new Set(exchanges.flatMap((e) => e.secretEchoes ?? []))],
});

export interface VerifiedPact {
  checks: CheckDraft[];
  /** The one request per provider state the verifier sent, and its answer. */
  exchanges: Map<StateKey, StateExchange>;
}

/** Pact checks from the verification's outcomes: a skipped state says which flag would have given its ids. */
export const pactChecksOf = (
  pact: Pick<LoadedPact, 'id'>,
  verification: Pick<PactVerification, 'outcomes'>,
  recorder: Pick<ExchangeRecorder, 'exchangesOf'>,
  skipReasons: Readonly<Record<StateKey, string>> = SKIP_REASONS,
): CheckDraft[] =>
  verification.outcomes.map((outcome) => {
    const key = outcome.state === undefined ? undefined : stateKeyOf(outcome.state);
    const { attempts, exchangeIds } = recordedOf(
      key ? recorder.exchangesOf(exchangeLabel(pact.id, key)) : [],
    );
    return {
      name: outcome.description,
      category: 'pact',
      status: outcome.status,
      findings: outcome.findings,
      ...(outcome.status === 'skip'
        ? {
            skipReason: key ? skipReasons[key] : (outcome.reason ?? 'the provider state could not be set up'),
          }
        : {}),
      attempts,
      exchangeIds,
      pact: pact.id,
    };
  });

export interface VerifyStageOptions {
  /** The target, once the run has it: the verifier may start before. */
  target: VerifyTarget | Promise<VerifyTarget>;
  recorder: Pick<ExchangeRecorder, 'exchangesOf'>;
  /** Why a state the target has no ids for is skipped; the flags to give, by default. */
  skipReasons?(): Readonly<Record<StateKey, string>>;
  requestTimeoutMs: number;
  signal?: AbortSignal;
  /** Called once the verifier's process is spawned. */
  onStarted?(): void;
}

export const verifyStage = async (pact: LoadedPact, options: VerifyStageOptions): Promise<VerifiedPact> => {
  const verification = await verifyPact(pact, options.target, {
    requestTimeoutMs: options.requestTimeoutMs,
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.onStarted ? { onStarted: options.onStarted } : {}),
  });
  return {
    checks: pactChecksOf(pact, verification, options.recorder, options.skipReasons?.()),
    exchanges: verification.exchanges,
  };
};
