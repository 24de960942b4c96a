import type { IncomingHttpHeaders } from 'node:http';
import type { PathTemplate } from '../path-template.ts';
import {
  EXAMPLE_ADMIN_KEY,
  EXAMPLE_PARAMS,
  LIST_STATES,
  type StateKey,
  type StateParams,
  type StateSetup,
  stateKeyOf,
} from '../provider-states.ts';
import type { Transport } from '../transport/transport.ts';
import { TransportError } from '../transport/transport-error.ts';
import { GATEWAY_HEADER, type GatewayReply, type GatewayRequest, startGateway } from './gateway.ts';
import type { LoadedPact } from './pact.ts';
import { type InteractionOutcome, type Interruption, NO_STATE, outcomesOf } from './verification-result.ts';
import { runVerifier } from './verifier.ts';

export type { InteractionOutcome, Interruption, OutcomeStatus } from './verification-result.ts';
export { VerificationError } from './verifier.ts';

// Verifies a target against one pact: the static Pact verifier talks only to a gateway on loopback; the
// gateway sets up each provider state, checks that the verifier's request is the one that state's
// interaction should send, puts the real credentials in, and sends it through the one transport policy.
// Each state's request is sent once, and what came back is kept: the live checks judge the same bytes.

/** What the target answered to a state's request, or why nothing usable came back. */
export type StateAnswer =
  | {
      kind: 'response';
      /** The URL that answered, after any same-origin redirect the policy followed. */
      url: string;
      status: number;
      statusText: string;
      /** Lower-case names; repeated headers joined with `, `. */
      headers: Record<string, string>;
      text: string;
    }
  | { kind: 'failure'; message: string };

/** The one request a provider state caused: its ids and its answer. */
export interface StateExchange {
  key: StateKey;
  params: StateParams;
  answer: StateAnswer;
}

export type VerifyProgress =
  | { kind: 'request'; state: StateKey; method: string; url: string }
  | { kind: 'answer'; state: StateKey; answer: StateAnswer; durationMs: number };

/** Everything the gateway needs to send an interaction's request to the target. */
export interface VerifyTarget {
  /** The deployment, path prefix included. */
  baseUrl: string;
  /** The operation's method and the document's path template. */
  operation: { method: string; path: PathTemplate };
  /** The list operation's path template: the request of the list's state (`projectKeys`) is a list request. */
  listPath?: PathTemplate;
  stateSetup: StateSetup;
  /** The one transport policy: every request to the target goes through it. */
  transport: Transport;
  /** Sent where the pact shows the placeholder admin key. */
  adminKey: string;
  /** Sent for the invalid-admin-key state, whatever bearer the pact shows. */
  invalidAdminKey: string;
  /** The recorder label of the exchanges a state's request causes. */
  labelOf(key: StateKey): string;
  onProgress?(event: VerifyProgress): void;
}

export interface VerifyOptions {
  /** The verifier's own timeout per request: at least the policy's worst case for one exchange. */
  requestTimeoutMs: number;
  /** Stops the verifier and any request in flight. */
  signal?: AbortSignal;
  /** Called once the verifier's process is spawned. */
  onStarted?(): void;
}

export interface PactVerification {
  outcomes: InteractionOutcome[];
  /** What each provider state's request got, for the states the verifier exercised. */
  exchanges: Map<StateKey, StateExchange>;
}

/** Request headers not sent on: framing, the gateway's own, and encodings (the policy asks for identity). */
const NOT_FORWARDED = new Set([
  'host',
  'connection',
  'keep-alive',
  'content-length',
  'transfer-encoding',
  'te',
  'upgrade',
  'expect',
  'accept-encoding',
  'user-agent',
  GATEWAY_HEADER,
]);

const forwardedHeaders = (headers: IncomingHttpHeaders, authorization: string | undefined) => {
  const forwarded: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || NOT_FORWARDED.has(name)) continue;
    forwarded[name] = value;
  }
  if (authorization === undefined) delete forwarded.authorization;
  else forwarded.authorization = authorization;
  return forwarded;
};

const joinedHeaders = (pairs: readonly [string, string][]): Record<string, string> => {
  const headers: Record<string, string> = {};
  for (const [rawName, value] of pairs) {
    const name = rawName.toLowerCase();
    headers[name] = name in headers ? `${headers[name]}, ${value}` : value;
  }
  return headers;
};

const refusal = (status: number, message: string): GatewayReply => ({
  status,
  headers: [['content-type', 'text/plain; charset=utf-8']],
  body: message,
});

const json = (body: unknown): GatewayReply => ({
  status: 200,
  headers: [['content-type', 'application/json']],
  body: JSON.stringify(body),
});

const paramsOf = (value: unknown): StateParams | undefined => {
  const { projectId, keyId } = (value ?? {}) as Record<string, unknown>;
  return typeof projectId === 'string' && typeof keyId === 'string' ? { projectId, keyId } : undefined;
};

/**
 * The path a state's request asks for: the list's state lists the project's keys, every other state
 * retrieves a key. Throws (a setup failure) for ids no path can carry, or a list state with no list path.
 */
export function statePath(
  ready: Pick<VerifyTarget, 'operation' | 'listPath'>,
  key: StateKey,
  ids: StateParams,
): string {
  if (!LIST_STATES.includes(key)) return ready.operation.path.expand([ids.projectId, ids.keyId]);
  if (!ready.listPath) throw new Error('the document has no list operation');
  return ready.listPath.expand([ids.projectId]);
}

interface CurrentState {
  name: string;
  key: StateKey;
  params: StateParams;
  path: string;
  sent: boolean;
}

/**
 * Verifies the target against `pact`. `target` may still be on its way (a run starts the verifier
 * while it loads the document); the verifier's first state change waits for it. A state the setup
 * returns undefined for is skipped (the target never sees its request), one whose setup throws fails,
 * as does one whose request the policy could not complete.
 */
export const verifyPact = async (
  pact: Pick<LoadedPact, 'path' | 'interactions'>,
  target: VerifyTarget | Promise<VerifyTarget>,
  options: VerifyOptions,
): Promise<PactVerification> => {
  const interruptions = new Map<string, Interruption>();
  const exchanges = new Map<StateKey, StateExchange>();
  if (pact.interactions.some((interaction) => interaction.state === undefined)) {
    interruptions.set(NO_STATE, {
      kind: 'skip',
      reason: 'the interaction names no provider state, so the run has no ids for its request',
    });
  }
  let current: CurrentState | undefined;

  const stateChange = async (body: unknown): Promise<GatewayReply> => {
    const { action, state, params } = (body ?? {}) as { action?: unknown; state?: unknown; params?: unknown };
    if (action !== 'setup' || typeof state !== 'string') return json({});
    const ready = await target;
    current = undefined;
    if (state === NO_STATE) return json({});
    interruptions.delete(state);
    const key = stateKeyOf(state);
    if (key === undefined) {
      interruptions.set(state, {
        kind: 'skip',
        reason: `"${state}" is not a provider state this suite knows`,
      });
      return json({});
    }
    try {
      // A pact without the state's example params still names the state: the setup gets the usual ones.
      const ids = await ready.stateSetup(key, paramsOf(params) ?? EXAMPLE_PARAMS[key]);
      if (ids === undefined) {
        interruptions.set(state, { kind: 'skip', reason: `the provider cannot set up "${state}"` });
        return json({});
      }
      const path = statePath(ready, key, ids);
      current = { name: state, key, params: ids, path, sent: false };
      // Each id as one percent-encoded segment: the verifier puts them into the path as they are.
      return json({
        projectId: encodeURIComponent(ids.projectId),
        keyId: encodeURIComponent(ids.keyId),
      });
    } catch (error) {
      // A throwing setup, or ids no path can carry (an empty id, `.`, `..`): the request is not sent.
      const why = (error as Error).message;
      interruptions.set(state, {
        kind: 'fail',
        keyword: 'state',
        reason: `setting up "${state}" failed: ${why}`,
      });
      return json({});
    }
  };

  const interaction = async (request: GatewayRequest): Promise<GatewayReply> => {
    const ready = await target;
    const state = current;
    if (state === undefined) return refusal(412, 'no provider state was set up for this request');
    if (interruptions.has(state.name)) return refusal(412, 'the provider state was not set up');
    const fail = (keyword: 'request' | 'transport', reason: string, status: number) => {
      interruptions.set(state.name, { kind: 'fail', keyword, reason });
      return refusal(status, reason);
    };
    if (state.sent)
      return fail('request', `a second request for "${state.name}": one request per state`, 412);
    state.sent = true;
    const { method } = ready.operation;
    if (request.method !== method || request.url !== state.path) {
      return fail(
        'request',
        `the pact's request (${request.method} ${request.url.slice(0, 200)}) is not the one "${state.name}" needs (${method} ${state.path}): not sent`,
        412,
      );
    }
    const url = `${ready.baseUrl.replace(/\/+$/, '')}${statePath(ready, state.key, state.params)}`;
    const given = [request.headers.authorization].flat()[0];
    const authorization =
      state.key === 'invalidAdminKey'
        ? `Bearer ${ready.invalidAdminKey}`
        : given === `Bearer ${EXAMPLE_ADMIN_KEY}`
          ? `Bearer ${ready.adminKey}`
          : given;
    ready.onProgress?.({ kind: 'request', state: state.key, method, url });
    const started = performance.now();
    const record = (answer: StateAnswer) => {
      exchanges.set(state.key, { key: state.key, params: state.params, answer });
      ready.onProgress?.({
        kind: 'answer',
        state: state.key,
        answer,
        durationMs: Math.round(performance.now() - started),
      });
    };
    try {
      const response = await ready.transport.send(
        { method, url, headers: forwardedHeaders(request.headers, authorization) },
        { check: ready.labelOf(state.key), signal: options.signal },
      );
      record({
        kind: 'response',
        url: response.url,
        status: response.status,
        statusText: response.statusText,
        headers: joinedHeaders(response.headerPairs),
        text: response.body.toString('utf8'),
      });
      return { status: response.status, headers: response.headerPairs, body: response.body };
    } catch (error) {
      if (!(error instanceof TransportError)) throw error;
      const message = `request to ${url} failed: ${error.message}`;
      record({ kind: 'failure', message });
      return fail('transport', message, 502);
    }
  };

  const gateway = await startGateway({ stateChange, interaction });
  try {
    const report = await runVerifier({
      pactPath: pact.path,
      port: gateway.port,
      stateChangeUrl: gateway.stateChangeUrl,
      header: gateway.header,
      requestTimeoutMs: options.requestTimeoutMs,
      signal: options.signal,
      ...(options.onStarted ? { onStarted: options.onStarted } : {}),
    });
    return { outcomes: outcomesOf(pact.interactions, report, interruptions), exchanges };
  } finally {
    await gateway.close();
  }
};
