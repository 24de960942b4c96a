import type { IncomingHttpHeaders } from 'node:http';
import type { Finding } from '../core/finding.ts';
import type { PathTemplate } from '../core/path-template.ts';
import { toPointer } from '../core/pointer.ts';
import type { RetrieveOperation } from '../openapi/operation.ts';
import {
  EXAMPLE_ADMIN_KEY,
  EXAMPLE_PARAMS,
  LIST_STATES,
  type StateKey,
  type StateParams,
  type StateSetup,
  stateKeyOf,
} from '../pact/provider-states.ts';
import type { Transport } from '../transport/transport.ts';
import { TransportError } from '../transport/transport-error.ts';
import { GATEWAY_HEADER, type GatewayReply, type GatewayRequest, startGateway } from './gateway.ts';
import type { LoadedPact, PactInteraction } from './pact.ts';
import {
  type InteractionOutcome,
  type Interruption,
  NO_STATE,
  outcomesOf,
  withPactNotes,
} from './verification-result.ts';
import { runVerifier } from './verifier.ts';

export type { InteractionOutcome, Interruption, OutcomeStatus } from './verification-result.ts';
export { VerificationError } from './verifier.ts';

// Verifies a target against one pact: the static Pact verifier talks only to a gateway on loopback; the
// gateway sets up each provider state, checks that the verifier's request is the one that state's
// interaction should send, keeps only the headers the document describes, puts the real credentials in,
// and sends it through the one transport policy. Each state is set up and requested once per pact, so a
// pact's size cannot multiply traffic: a state's later interactions get that request's answer replayed.
// What came back is kept: the live checks judge the same bytes.

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
  /** The operation's method, the document's path template and the request headers it describes. */
  operation: Pick<RetrieveOperation, 'method' | 'path' | 'headers'>;
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

/**
 * Never sent on, whatever the document describes: framing and the gateway's own header, codings (the
 * policy asks for identity), other credentials, and the headers some servers read as another method.
 */
const NEVER_FORWARDED = new Set([
  'host',
  'connection',
  'keep-alive',
  'proxy-connection',
  'content-length',
  'transfer-encoding',
  'te',
  'trailer',
  'upgrade',
  'expect',
  'accept-encoding',
  'user-agent',
  GATEWAY_HEADER,
  'cookie',
  'proxy-authorization',
  'x-http-method-override',
  'x-http-method',
  'x-method-override',
]);

/** The request headers the gateway sends on, lower case: those the document describes, and Accept. */
export function forwardableHeaders(operation: Pick<RetrieveOperation, 'headers'>): ReadonlySet<string> {
  return new Set(['accept', ...operation.headers].filter((name) => !NEVER_FORWARDED.has(name)));
}

/** The verifier's request headers as sent on: the forwardable ones, with the gateway's Authorization. */
function forwardedHeaders(
  headers: IncomingHttpHeaders,
  forwardable: ReadonlySet<string>,
  authorization: string | undefined,
): Record<string, string | string[]> {
  const forwarded: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || name === 'authorization' || !forwardable.has(name)) continue;
    forwarded[name] = value;
  }
  if (authorization !== undefined && forwardable.has('authorization'))
    forwarded.authorization = authorization;
  return forwarded;
}

/**
 * A note per request header of the pact that the gateway does not send on, at its place in the pact: the
 * interaction is verified without it, so the consumer should not count on what it asks for. A note, not
 * a warning: it is about the pact, and the target is judged on the request it was sent.
 */
export function unsentHeaderFindings(
  interactions: readonly Pick<PactInteraction, 'requestHeaders'>[],
  operation: Pick<RetrieveOperation, 'headers'>,
): Finding[][] {
  const forwardable = forwardableHeaders(operation);
  const sent = [...forwardable].join(', ');
  return interactions.map((interaction, index) =>
    interaction.requestHeaders
      .filter((name) => !forwardable.has(name.toLowerCase()))
      .map((name) => ({
        pointer: toPointer(['interactions', index, 'request', 'headers', name]),
        keyword: 'requestHeader',
        severity: 'note',
        message: NEVER_FORWARDED.has(name.toLowerCase())
          ? `request header ${name} is never sent to the target (framing, another credential or a method override): verified without it`
          : `request header ${name} is not sent to the target: the document does not describe it for this operation (sent: ${sent}); verified without it`,
      })),
  );
}

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

/** A provider state as this pact's verification set it up: once, however many interactions name it. */
interface PreparedState {
  name: string;
  key: StateKey;
  params: StateParams;
  path: string;
  /** The state's one request, once sent: the headers it carried and the reply, for its later interactions. */
  sent?: { headers: string; reply: Promise<GatewayReply> };
}

/** What one pact's verification keeps between the gateway's calls. */
interface Session {
  target: VerifyTarget | Promise<VerifyTarget>;
  signal: AbortSignal | undefined;
  /** Why a state's interactions were not judged by Pact, by state name: the first reason stays. */
  interruptions: Map<string, Interruption>;
  exchanges: Map<StateKey, StateExchange>;
  /** Each state's setup by name, done once; undefined for a state that is skipped or failed. */
  prepared: Map<string, Promise<PreparedState | undefined>>;
  /** The state of the interaction being verified: the verifier sets one up before each request. */
  current: PreparedState | undefined;
}

/** Sets a state up on its first state change: its ids, its path, or why it has none. */
async function prepare(session: Session, state: string, params: unknown): Promise<PreparedState | undefined> {
  const ready = await session.target;
  const key = stateKeyOf(state);
  if (key === undefined) {
    session.interruptions.set(state, {
      kind: 'skip',
      reason: `"${state}" is not a provider state this suite knows`,
    });
    return undefined;
  }
  try {
    // A pact without the state's example params still names the state: the setup gets the usual ones.
    const ids = await ready.stateSetup(key, paramsOf(params) ?? EXAMPLE_PARAMS[key]);
    if (ids === undefined) {
      session.interruptions.set(state, { kind: 'skip', reason: `the provider cannot set up "${state}"` });
      return undefined;
    }
    const path = statePath(ready, key, ids);
    return { name: state, key, params: ids, path };
  } catch (error) {
    // A throwing setup, or ids no path can carry (an empty id, `.`, `..`): the request is not sent.
    session.interruptions.set(state, {
      kind: 'fail',
      keyword: 'state',
      reason: `setting up "${state}" failed: ${(error as Error).message}`,
    });
    return undefined;
  }
}

async function stateChange(session: Session, body: unknown): Promise<GatewayReply> {
  const { action, state, params } = (body ?? {}) as { action?: unknown; state?: unknown; params?: unknown };
  if (action !== 'setup' || typeof state !== 'string') return json({});
  session.current = undefined;
  await session.target;
  if (state === NO_STATE) return json({});
  // Once per state: a later interaction of the state gets the same ids, so it asks for the same request.
  let prepared = session.prepared.get(state);
  if (prepared === undefined) {
    prepared = prepare(session, state, params);
    session.prepared.set(state, prepared);
  }
  const current = await prepared;
  session.current = current;
  if (current === undefined) return json({});
  // Each id as one percent-encoded segment: the verifier puts them into the path as they are.
  return json({
    projectId: encodeURIComponent(current.params.projectId),
    keyId: encodeURIComponent(current.params.keyId),
  });
}

/** The Authorization the target gets: the invalid key for its state, the admin key for the placeholder. */
function authorizationFor(ready: VerifyTarget, key: StateKey, headers: IncomingHttpHeaders) {
  if (key === 'invalidAdminKey') return `Bearer ${ready.invalidAdminKey}`;
  const given = [headers.authorization].flat()[0];
  return given === `Bearer ${EXAMPLE_ADMIN_KEY}` ? `Bearer ${ready.adminKey}` : given;
}

/** Fails every interaction of the state with `reason`, and refuses this one: it is not sent. */
function refuse(session: Session, state: PreparedState, keyword: 'request' | 'transport', reason: string) {
  session.interruptions.set(state.name, { kind: 'fail', keyword, reason });
  return refusal(keyword === 'transport' ? 502 : 412, reason);
}

async function interaction(session: Session, request: GatewayRequest): Promise<GatewayReply> {
  const ready = await session.target;
  const state = session.current;
  if (state === undefined) return refusal(412, 'no provider state was set up for this request');
  if (session.interruptions.has(state.name)) return refusal(412, `"${state.name}" failed already: not sent`);
  const { method } = ready.operation;
  if (request.method !== method || request.url !== state.path) {
    return refuse(
      session,
      state,
      'request',
      `the pact's request (${request.method} ${request.url.slice(0, 200)}) is not the one "${state.name}" needs (${method} ${state.path}): not sent`,
    );
  }
  const authorization = authorizationFor(ready, state.key, request.headers);
  const headers = forwardedHeaders(request.headers, forwardableHeaders(ready.operation), authorization);
  const signature = JSON.stringify(Object.entries(headers).sort(([a], [b]) => (a < b ? -1 : 1)));
  // One request per state: its later interactions are answered with what that request got.
  if (state.sent) {
    if (state.sent.headers === signature) return state.sent.reply;
    return refuse(
      session,
      state,
      'request',
      `a second request for "${state.name}" with other headers than its first: one request per state, not sent`,
    );
  }
  const reply = send(session, ready, state, headers);
  state.sent = { headers: signature, reply };
  return reply;
}

/** The state's one request, through the transport policy; what came back is kept for the live checks. */
async function send(
  session: Session,
  ready: VerifyTarget,
  state: PreparedState,
  headers: Record<string, string | string[]>,
): Promise<GatewayReply> {
  const { method } = ready.operation;
  const url = `${ready.baseUrl.replace(/\/+$/, '')}${statePath(ready, state.key, state.params)}`;
  ready.onProgress?.({ kind: 'request', state: state.key, method, url });
  const started = performance.now();
  const record = (answer: StateAnswer) => {
    session.exchanges.set(state.key, { key: state.key, params: state.params, answer });
    const durationMs = Math.round(performance.now() - started);
    ready.onProgress?.({ kind: 'answer', state: state.key, answer, durationMs });
  };
  try {
    const response = await ready.transport.send(
      { method, url, headers },
      { check: ready.labelOf(state.key), signal: session.signal },
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
    return refuse(session, state, 'transport', message);
  }
}

/**
 * Verifies the target against `pact`. `target` may still be on its way (a run starts the verifier
 * while it loads the document); the verifier's first state change waits for it. A state the setup
 * returns undefined for is skipped (the target never sees its request), one whose setup throws fails,
 * as does one whose request the policy could not complete. Each state is set up and requested once:
 * its other interactions are judged against the answer that request got.
 */
export async function verifyPact(
  pact: Pick<LoadedPact, 'path' | 'interactions'>,
  target: VerifyTarget | Promise<VerifyTarget>,
  options: VerifyOptions,
): Promise<PactVerification> {
  const session: Session = {
    target,
    signal: options.signal,
    interruptions: new Map(),
    exchanges: new Map(),
    prepared: new Map(),
    current: undefined,
  };
  if (pact.interactions.some((interaction) => interaction.state === undefined)) {
    session.interruptions.set(NO_STATE, {
      kind: 'skip',
      reason: 'the interaction names no provider state, so the run has no ids for its request',
    });
  }
  const gateway = await startGateway({
    stateChange: (body) => stateChange(session, body),
    interaction: (request) => interaction(session, request),
  });
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
    const { operation } = await target;
    const outcomes = outcomesOf(pact.interactions, report, session.interruptions);
    return {
      outcomes: withPactNotes(outcomes, unsentHeaderFindings(pact.interactions, operation)),
      exchanges: session.exchanges,
    };
  } finally {
    await gateway.close();
  }
}
