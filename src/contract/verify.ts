import { fork } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
// pact-js's own verification proxy, as its Verifier uses it: state handlers and the request filter.
import { createProxy, waitForServerReady } from '@pact-foundation/pact/src/dsl/verifier/proxy/index.js';
import type { Fetch } from '../client.ts';
import { type StateParams, type StateSetup, stateKeyOf } from './states.ts';
import {
  type InteractionOutcome,
  type Interruption,
  outcomesOf,
  type PactInteraction,
  type PactResult,
} from './verification-result.ts';

export type { InteractionOutcome, Interruption, OutcomeStatus } from './verification-result.ts';

// Verifies a provider against a pact: pact-js's proxy runs the state handlers (built from a StateSetup)
// and the request filter in this process; the native verifier runs in a child whose stdout is captured.
// The result is one outcome per interaction, with findings as data.

process.env.PACT_DO_NOT_TRACK = 'true';

/** Express-style middleware, as pact-js's `requestFilter`: runs on each request sent to the provider. */
export type RequestFilter = (
  request: IncomingMessage & { body?: unknown; path?: string },
  response: ServerResponse,
  next: (error?: unknown) => void,
) => void;

/**
 * The request filter a verification of a real deployment needs: where the pact shows the placeholder
 * admin key, the real one is sent. Any other Authorization (the invalid-key interaction's) is left alone.
 */
export const injectAdminKey =
  (placeholder: string, adminKey: string): RequestFilter =>
  (request, _response, next) => {
    if (request.headers.authorization === `Bearer ${placeholder}`) {
      request.headers.authorization = `Bearer ${adminKey}`;
    }
    next();
  };

export interface VerifyPactOptions {
  pactPath: string;
  providerBaseUrl: string;
  stateSetup: StateSetup;
  /** Applied to the requests for interactions (not to state set-up calls): inject the real admin key here. */
  requestFilter?: RequestFilter;
  /** Per request to the provider. */
  timeoutMs?: number;
  /** Sends the requests to the provider: pass one with a transport policy (retries, recording). */
  fetch?: Fetch;
  /** Receives Pact's readable report (what it would have printed to stdout). */
  onOutput?: (text: string) => void;
}

/** The verification could not run at all (no pact, verifier crashed): misuse or environment, not a finding. */
export class VerificationError extends Error {
  override readonly name = 'VerificationError';
  constructor(
    readonly pactPath: string,
    readonly reason: string,
  ) {
    super(`cannot verify ${pactPath}: ${reason}`);
  }
}

export const DEFAULT_VERIFY_TIMEOUT_MS = 10_000;
const STATE_SETUP_PATH = '/_pactSetup';
// The status the proxy answers with, instead of forwarding, when an interaction's state was not set up.
const NOT_SET_UP_STATUS = 412;
const WORKER_PATH = fileURLToPath(new URL('./verify-worker.mjs', import.meta.url));

/** What verify-worker.mjs sends back: whether Pact resolved, and its JSON result or rejection message. */
interface WorkerResult {
  passed: boolean;
  text: string;
}

const interactionsOf = (pactPath: string): PactInteraction[] => {
  let pact: { interactions?: { description?: string; providerStates?: { name?: string }[] }[] };
  try {
    pact = JSON.parse(readFileSync(pactPath, 'utf8'));
  } catch (error) {
    throw new VerificationError(pactPath, (error as NodeJS.ErrnoException).code ?? (error as Error).message);
  }
  if (!Array.isArray(pact.interactions)) throw new VerificationError(pactPath, 'not a pact: no interactions');
  return pact.interactions.map((interaction) => ({
    description: String(interaction.description ?? ''),
    state: interaction.providerStates?.[0]?.name,
  }));
};

const asStateParams = (params: unknown): StateParams | undefined => {
  const { projectId, keyId } = (params ?? {}) as Record<string, unknown>;
  return typeof projectId === 'string' && typeof keyId === 'string' ? { projectId, keyId } : undefined;
};

const runWorker = (
  pactPath: string,
  options: object,
  onOutput?: (text: string) => void,
): Promise<WorkerResult> =>
  new Promise((resolve, reject) => {
    const child = fork(WORKER_PATH, [JSON.stringify(options)], {
      execArgv: [],
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      env: { ...process.env, PACT_DO_NOT_TRACK: 'true' },
    });
    const output: Buffer[] = [];
    child.stdout?.on('data', (chunk: Buffer) => output.push(chunk));
    child.stderr?.on('data', (chunk: Buffer) => output.push(chunk));
    let result: WorkerResult | undefined;
    child.on('message', (message) => {
      result = message as WorkerResult;
    });
    child.on('error', (error) =>
      reject(new VerificationError(pactPath, `cannot start the verifier: ${error.message}`)),
    );
    // 'close', not 'exit': it comes after the IPC channel and stdout are drained, so the result is in.
    child.on('close', (code) => {
      onOutput?.(Buffer.concat(output).toString('utf8'));
      if (result) resolve(result);
      else reject(new VerificationError(pactPath, `the verifier process exited with ${code} and no result`));
    });
  });

// Response headers that describe the bytes fetch already decoded; relayed as they were, they would lie.
const HOP_HEADERS = new Set([
  'connection',
  'keep-alive',
  'transfer-encoding',
  'content-encoding',
  'content-length',
]);

/**
 * Sends the verifier's request on to the provider with fetch (pact-js's own forwarding throws an
 * uncaught error when the provider cannot be reached). Resolves with a failure message instead of throwing.
 */
const forward = async (
  request: IncomingMessage & { body?: unknown },
  response: ServerResponse,
  providerBaseUrl: string,
  fetchFn: Fetch,
  timeoutMs: number,
): Promise<string | undefined> => {
  let origin = providerBaseUrl;
  try {
    const base = new URL(providerBaseUrl);
    const target = new URL(request.url ?? '/', base);
    target.pathname = `${base.pathname.replace(/\/+$/, '')}${target.pathname}`;
    const headers = new Headers();
    for (const [name, value] of Object.entries(request.headers)) {
      if (name === 'host' || name === 'content-length' || value === undefined) continue;
      for (const item of [value].flat()) headers.append(name, item);
    }
    const body = request.body;
    const hasBody = Buffer.isBuffer(body)
      ? body.length > 0
      : body !== undefined && Object.keys(body as object).length > 0;
    origin = target.origin;
    const upstream = await fetchFn(target, {
      method: request.method,
      headers,
      body: hasBody ? (Buffer.isBuffer(body) ? new Uint8Array(body) : JSON.stringify(body)) : undefined,
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
    });
    const bytes = Buffer.from(await upstream.arrayBuffer());
    const relayed: Record<string, string> = {};
    upstream.headers.forEach((value, name) => {
      if (!HOP_HEADERS.has(name)) relayed[name] = value;
    });
    response.writeHead(upstream.status, relayed);
    response.end(bytes);
    return undefined;
  } catch (error) {
    const cause =
      (error as Error).cause instanceof Error ? ` (${((error as Error).cause as Error).message})` : '';
    const reason =
      (error as Error).name === 'TimeoutError'
        ? `no response from ${origin} within ${timeoutMs} ms`
        : `request to ${origin} failed: ${(error as Error).message}${cause}`;
    if (!response.headersSent) response.writeHead(502, { 'content-type': 'text/plain' });
    response.end(reason);
    return reason;
  }
};

/**
 * Verifies the provider at `providerBaseUrl` against the pact at `pactPath`. Each interaction's state is
 * set up by `stateSetup` (its params fill the pact's `fromProviderState` path); a state it returns
 * `undefined` for is skipped (the provider never sees that request); a state whose setup throws fails, as
 * does an interaction whose request gets no response.
 */
export const verifyPact = async (options: VerifyPactOptions): Promise<InteractionOutcome[]> => {
  const { pactPath, providerBaseUrl, stateSetup, requestFilter } = options;
  const timeoutMs = options.timeoutMs ?? DEFAULT_VERIFY_TIMEOUT_MS;
  const fetchFn = options.fetch ?? globalThis.fetch;
  if (!/^https?:$/.test(URL.parse(providerBaseUrl)?.protocol ?? '')) {
    throw new VerificationError(pactPath, `provider base URL is not an http(s) URL: ${providerBaseUrl}`);
  }
  const interactions = interactionsOf(pactPath);
  const interruptions = new Map<string, Interruption>();

  const handlerFor = (state: string) => async (params?: unknown) => {
    interruptions.delete(state);
    const key = stateKeyOf(state);
    const example = asStateParams(params);
    if (key === undefined || example === undefined) {
      interruptions.set(state, {
        kind: 'skip',
        reason: `"${state}" is not a provider state this suite knows`,
      });
      return {};
    }
    try {
      const ids = await stateSetup(key, example);
      if (ids !== undefined) return { ...ids };
      interruptions.set(state, { kind: 'skip', reason: `the provider cannot set up "${state}"` });
    } catch (error) {
      const reason = `setting up "${state}" failed: ${(error as Error).message}`;
      interruptions.set(state, { kind: 'fail', keyword: 'state', reason });
    }
    return {};
  };
  const states = new Set(interactions.flatMap((i) => (i.state === undefined ? [] : [i.state])));
  const stateHandlers = Object.fromEntries([...states].map((state) => [state, handlerFor(state)]));

  // Pact calls set-up, then the request, then teardown, one interaction at a time: the last set-up
  // names the interaction a request belongs to.
  let current: string | undefined;
  const filter: RequestFilter = (request, response, next) => {
    if (request.path === STATE_SETUP_PATH) {
      const { action, state } = (request.body ?? {}) as { action?: string; state?: string };
      current = action === 'setup' ? state : undefined;
      return next();
    }
    const state = current;
    const interrupted = state === undefined ? undefined : interruptions.get(state);
    if (interrupted) {
      response.writeHead(NOT_SET_UP_STATUS, { 'content-type': 'text/plain' });
      response.end(interrupted.reason);
      return;
    }
    const send = () =>
      void forward(request, response, providerBaseUrl, fetchFn, timeoutMs).then((failure) => {
        if (failure && state !== undefined) {
          interruptions.set(state, { kind: 'fail', keyword: 'transport', reason: failure });
        }
      });
    if (requestFilter) return requestFilter(request, response, send);
    send();
  };

  const proxy: Server = createProxy(
    { providerBaseUrl, stateHandlers, requestFilter: filter as never, logLevel: 'warn' },
    STATE_SETUP_PATH,
    '/_messages',
  );
  try {
    await waitForServerReady(proxy);
    const proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
    const { passed, text } = await runWorker(
      pactPath,
      {
        providerBaseUrl: proxyUrl,
        providerStatesSetupUrl: `${proxyUrl}${STATE_SETUP_PATH}`,
        pactUrls: [pactPath],
        logLevel: 'warn',
        // The proxy answers within timeoutMs (a 502 when the provider does not); leave it room to.
        timeout: timeoutMs + 1000,
      },
      options.onOutput,
    );
    let result: PactResult;
    try {
      result = JSON.parse(text) as PactResult;
    } catch {
      throw new VerificationError(pactPath, text);
    }
    const outcomes = outcomesOf(interactions, result, interruptions);
    // Pact resolving while an interaction it saw failed would mean this reading of its result is wrong.
    if (passed && outcomes.some((o) => o.status === 'fail' && !interruptions.has(o.state ?? ''))) {
      throw new VerificationError(pactPath, 'Pact reported success but an interaction did not pass');
    }
    return outcomes;
  } finally {
    proxy.close();
  }
};
