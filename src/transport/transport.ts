import http, { type IncomingHttpHeaders } from 'node:http';
import type https from 'node:https';
import { truncateText } from '../core/truncate.ts';
import { containsSecret } from '../secrets/forms.ts';
import { Redactor } from '../secrets/redact.ts';
import { type AttemptRequest, type AttemptResult, performAttempt, type ReceivedResponse } from './attempt.ts';
import { bodyExcerpt } from './excerpt.ts';
import type { Attempt, Exchange } from './exchange.ts';
import { httpsModule } from './lazy-builtins.ts';
import { resolvePolicy, retryAfterCapMs, type TransportPolicy } from './policy.ts';
import { ExchangeRecorder } from './recorder.ts';
import { decideRedirect, REDIRECT_STATUSES, type RedirectMode } from './redirect.ts';
import { isRetryable, type RetryDelay, retryDelay } from './retry.ts';
import { TransportError, type TransportFailure } from './transport-error.ts';

// The transport policy: every request to the target, from our client or from Pact's verifier (its fetch),
// goes through `send` and is timed out, retried, size-capped and recorded the same way.

export interface OutgoingRequest {
  method: string;
  url: string | URL;
  headers?: Headers | Readonly<Record<string, string | readonly string[]>>;
  body?: Uint8Array;
}

export interface SendOptions {
  /** The check the request serves; defaults to the recorder's current check. */
  check?: string;
  /** The caller's signal: aborting it rejects with the signal's reason and stops retrying. */
  signal?: AbortSignal;
  /** `follow` (default) follows same-origin redirects only; `manual` returns every 3xx; `error` fails on one. */
  redirect?: RedirectMode;
}

/** A complete response (body within the cap) and the exchange that recorded it. */
export interface TransportResponse {
  status: number;
  statusText: string;
  /** Header pairs as received; a name may repeat. */
  headerPairs: [string, string][];
  /** Names in lower case, repeated values joined. */
  headers: IncomingHttpHeaders;
  body: Buffer;
  /** The URL that answered, after any same-origin redirects. */
  url: string;
  exchange: Exchange;
}

export interface TransportOptions {
  recorder?: ExchangeRecorder;
  /** Values never to be shown; tokens sent in credential headers are added as they are seen. */
  secrets?: readonly string[];
  /** Waits between attempts; tests inject one that records instead of sleeping. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** [0, 1): the jitter of the backoff. */
  random?: () => number;
  /** Epoch milliseconds: timestamps, durations and HTTP-date `Retry-After`. */
  now?: () => number;
}

export interface Transport {
  readonly policy: Readonly<TransportPolicy>;
  readonly recorder: ExchangeRecorder;
  readonly redactor: Redactor;
  /** A drop-in for global fetch: resolves with the whole (capped) body, rejects with a TransportError. */
  fetch: typeof fetch;
  send(request: OutgoingRequest, options?: SendOptions): Promise<TransportResponse>;
  /** Closes idle keep-alive connections. */
  close(): void;
}

const sleepFor = (ms: number, signal?: AbortSignal): Promise<void> =>
  new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });

/** Credentials we may learn from: a bearer token or an API key header; too short to be a key is ignored. */
const TOKEN_HEADERS = ['authorization', 'proxy-authorization', 'x-api-key', 'api-key'];
const MIN_LEARNED_SECRET = 8;

/** Headers as node:http sends them; Content-Length is dropped (node computes it) and bodies asked unencoded. */
const outgoingHeaders = (headers: OutgoingRequest['headers']): Record<string, string | string[]> => {
  const result: Record<string, string | string[]> = {};
  const entries: [string, string | readonly string[]][] =
    // Iterable means a Headers object; asking `instanceof Headers` would load fetch's implementation.
    headers !== undefined && Symbol.iterator in headers
      ? [...(headers as Headers)]
      : Object.entries(headers ?? {});
  for (const [rawName, value] of entries) {
    const name = rawName.toLowerCase();
    if (name === 'content-length' || name === 'host') continue;
    result[name] = typeof value === 'string' ? value : [...value];
  }
  // Excerpts must be readable and the cap must count what the caller reads: ask for no content coding.
  result['accept-encoding'] = 'identity';
  return result;
};

const waitReason = (delay: RetryDelay): string => {
  if (delay.source === 'backoff') return `retrying after ${delay.ms} ms backoff`;
  const hint = `${delay.source === 'retry-after' ? 'Retry-After' : 'retry-after-ms'}: ${truncateText(delay.hint ?? '', 40)}`;
  return `retrying after ${delay.ms} ms (${hint}${delay.capped ? `, capped at ${delay.ms} ms` : ''})`;
};

const statusLine = (response: ReceivedResponse): string =>
  `HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''}`;

const NULL_BODY_STATUSES = [101, 103, 204, 205, 304];

/** Headers that describe the bytes as sent, not a body the transport decoded. */
const ENCODING_HEADERS = ['content-encoding', 'content-length'];

/** A decoded response as callers read it: the decoded body, without headers that describe the coded one. */
const decodedView = (response: ReceivedResponse): ReceivedResponse => {
  if (!response.decodedFrom) return response;
  const headers = { ...response.headers };
  for (const name of ENCODING_HEADERS) delete headers[name];
  return {
    ...response,
    headers,
    headerPairs: response.headerPairs.filter(([name]) => !ENCODING_HEADERS.includes(name.toLowerCase())),
  };
};

/** Keep-alive like global fetch; idle sockets are dropped before common servers' 5 s keep-alive ends. */
class KeepAliveAgents {
  readonly http = new http.Agent({ keepAlive: true, timeout: 4_000 });
  #https: https.Agent | undefined;

  /** Made on first use, so a plain-http run never loads node:https. */
  get https(): https.Agent {
    this.#https ??= new (httpsModule().Agent)({ keepAlive: true, timeout: 4_000 });
    return this.#https;
  }

  destroy(): void {
    this.http.destroy();
    this.#https?.destroy();
  }
}

const iso = (ms: number): string => new Date(ms).toISOString();

/** One request being exchanged: what it sent, when it began, its attempts and the echoes seen so far. */
interface OpenExchange {
  request: AttemptRequest;
  check: string | undefined;
  startedAt: number;
  attempts: Attempt[];
  echoes: Set<string>;
}

/** One exchange's outcome, and the request to send next when a redirect is followed. */
interface ExchangeStep {
  result: AttemptResult;
  exchange: Exchange;
  next?: AttemptRequest;
}

/** The policy and what one transport keeps between requests; its methods are the stages of `send`. */
class PolicyTransport {
  readonly agents = new KeepAliveAgents();
  readonly recorder: ExchangeRecorder;
  readonly redactor: Redactor;
  readonly #sleep: NonNullable<TransportOptions['sleep']>;
  readonly #random: () => number;
  readonly #now: () => number;

  constructor(
    readonly policy: Readonly<TransportPolicy>,
    options: TransportOptions,
  ) {
    this.recorder = options.recorder ?? new ExchangeRecorder();
    this.redactor = new Redactor(options.secrets ?? []);
    this.#sleep = options.sleep ?? sleepFor;
    this.#random = options.random ?? Math.random;
    this.#now = options.now ?? Date.now;
  }

  learnSecrets(headers: Record<string, string | string[]>): void {
    for (const name of TOKEN_HEADERS) {
      const values = headers[name];
      for (const value of typeof values === 'string' ? [values] : (values ?? [])) {
        const token = value.replace(/^\s*(?:bearer|basic)\s+/i, '').trim();
        // One holding a known secret is redacted where that secret is: another pattern would only cost.
        if (
          token.length >= MIN_LEARNED_SECRET &&
          !this.redactor.secrets.some((secret) => token.includes(secret))
        ) {
          this.redactor.add(token);
        }
      }
    }
  }

  /** Where a response carries a secret this transport knows (a credential it sent), in any echoed form. */
  echoesIn(response: ReceivedResponse, places: Set<string>): void {
    const secrets = this.redactor.secrets;
    if (secrets.length === 0) return;
    const holds = (text: string) => secrets.some((secret) => containsSecret(text, secret));
    if (holds(response.statusText)) places.add('status text');
    for (const [name, value] of response.headerPairs) {
      if (holds(name) || holds(value)) places.add(`header ${name.toLowerCase()}`);
    }
    if (holds(response.body.toString('utf8'))) places.add('body');
  }

  /** One request with its retries: the attempts and the last attempt's result; echoes go into `echoes`. */
  async attemptWithRetries(
    request: AttemptRequest,
    attempts: Attempt[],
    signal: AbortSignal | undefined,
    echoes: Set<string>,
  ): Promise<AttemptResult> {
    const { policy, redactor } = this;
    for (let retry = 0; ; retry++) {
      const startedAt = this.#now();
      const attempt: Attempt = { startedAt: iso(startedAt), durationMs: 0 };
      attempts.push(attempt);
      let result: AttemptResult;
      try {
        result = await performAttempt(request, {
          timeoutMs: policy.timeoutMs,
          maxBodyBytes: policy.maxBodyBytes,
          agents: this.agents,
          signal,
        });
      } finally {
        attempt.durationMs = this.#now() - startedAt;
      }
      if (result.response) {
        attempt.status = result.response.status;
        this.echoesIn(result.response, echoes);
      }
      if (result.failure) attempt.error = redactor.text(result.failure.message);
      const outcome = result.failure ? result.failure.kind : result.response.status;
      if (retry >= policy.retries || !isRetryable(request.method, outcome)) return result;
      const delay = retryDelay(
        retry,
        result.response?.headers ?? {},
        { ...policy, maxRetryAfterMs: retryAfterCapMs(policy) },
        this.#random,
        this.#now(),
      );
      const why = result.failure ? result.failure.message : statusLine(result.response);
      attempt.error = redactor.text(`${why}; ${waitReason(delay)}`);
      attempt.waitMs = delay.ms;
      await this.#sleep(delay.ms, signal);
    }
  }

  /** Records an exchange, redacted, with whatever response and failure `result` holds. */
  record(open: OpenExchange, result: AttemptResult | undefined, extra: Partial<Exchange>): Exchange {
    const { redactor } = this;
    const { request, check } = open;
    const response = result?.response;
    return this.recorder.record({
      ...(check === undefined ? {} : { check }),
      request: {
        method: request.method,
        url: redactor.text(request.url.href),
        headers: redactor.headers(request.headers),
      },
      ...(response && {
        response: {
          status: response.status,
          headers: redactor.headers(response.headers),
          bodyExcerpt: response.decodedFrom
            ? bodyExcerpt(response.body, undefined, redactor)
            : bodyExcerpt(response.body, response.headers['content-encoding'], redactor, response.bodyBytes),
          bodyBytes: response.bodyBytes,
          truncated: result?.failure?.kind === 'too-large',
        },
      }),
      attempts: open.attempts,
      durationMs: this.#now() - open.startedAt,
      ...(result?.failure && { error: redactor.text(result.failure.message) }),
      ...(open.echoes.size > 0 && { secretEchoes: [...open.echoes] }),
      ...extra,
    });
  }

  /** One request (no redirects), recorded whatever happens; a caller's abort is recorded, then rethrown. */
  async exchange(
    request: AttemptRequest,
    check: string | undefined,
    signal: AbortSignal | undefined,
    redirect: RedirectMode,
  ): Promise<ExchangeStep> {
    const open: OpenExchange = { request, check, startedAt: this.#now(), attempts: [], echoes: new Set() };
    let result: AttemptResult;
    try {
      result = await this.attemptWithRetries(request, open.attempts, signal, open.echoes);
    } catch (reason) {
      this.record(open, undefined, { error: 'aborted by the caller' });
      throw reason;
    }
    const response = result.response;
    if (result.failure || !response) return { result, exchange: this.record(open, result, {}) };
    const location = response.headers.location;
    if (redirect === 'error' && REDIRECT_STATUSES.includes(response.status) && location !== undefined) {
      const failure: TransportFailure = { kind: 'protocol', message: `redirect refused (redirect: "error")` };
      return {
        result: { failure, response },
        exchange: this.record(open, result, { error: failure.message }),
      };
    }
    const decision = decideRedirect(request.url, request.method, response.status, location, redirect);
    const decoded =
      response.decodedFrom &&
      `${response.decodedFrom.join(', ')}-encoded body decoded: ${response.bodyBytes} bytes received, ${response.body.length} decoded`;
    const note = [decoded, decision.note && this.redactor.text(decision.note)].filter(Boolean).join('; ');
    const recorded = this.record(open, result, note ? { note } : {});
    if (!decision.follow) return { result, exchange: recorded };
    const headers = { ...request.headers };
    if (!decision.keepBody) delete headers['content-type'];
    return {
      result,
      exchange: recorded,
      next: {
        method: decision.method,
        url: decision.url,
        headers,
        ...(decision.keepBody && request.body ? { body: request.body } : {}),
      },
    };
  }

  async send(request: OutgoingRequest, sendOptions: SendOptions = {}): Promise<TransportResponse> {
    const { policy, redactor } = this;
    const check = sendOptions.check ?? this.recorder.currentCheck();
    const url = new URL(request.url);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new TypeError(`transport: only http and https URLs are supported (got ${url.protocol})`);
    }
    const headers = outgoingHeaders(request.headers);
    this.learnSecrets(headers);
    let hop: AttemptRequest = {
      method: request.method.toUpperCase(),
      url,
      headers,
      ...(request.body ? { body: request.body } : {}),
    };
    for (let redirects = 0; ; redirects++) {
      const {
        result,
        exchange: recorded,
        next,
      } = await this.exchange(hop, check, sendOptions.signal, sendOptions.redirect ?? 'follow');
      if (result.failure) {
        const attempts = recorded.attempts.length;
        const message = `${result.failure.message}${attempts > 1 ? ` (${attempts} attempts)` : ''}`;
        throw new TransportError({ kind: result.failure.kind, message: redactor.text(message) }, recorded);
      }
      if (!next) return { ...decodedView(result.response), url: hop.url.href, exchange: recorded };
      if (redirects >= policy.maxRedirects) {
        const message = `more than ${policy.maxRedirects} redirects`;
        throw new TransportError({ kind: 'protocol', message }, recorded);
      }
      hop = next;
    }
  }

  /** `send` behind fetch's signature: resolves with the whole (capped) body as a Response. */
  async fetch(input: string | URL | Request, init?: RequestInit): Promise<Response> {
    const request = new Request(input, init);
    const body = request.body ? new Uint8Array(await request.arrayBuffer()) : undefined;
    const answer = await this.send(
      { method: request.method, url: request.url, headers: request.headers, ...(body ? { body } : {}) },
      { signal: request.signal, redirect: request.redirect },
    );
    return fetchResponse(answer);
  }
}

/** A transport's answer as a fetch Response, its `url` the one that answered. */
function fetchResponse(answer: TransportResponse): Response {
  const payload = NULL_BODY_STATUSES.includes(answer.status) || answer.body.length === 0 ? null : answer.body;
  const headers = new Headers(answer.headerPairs);
  let response: Response;
  try {
    response = new Response(payload, { status: answer.status, statusText: answer.statusText, headers });
  } catch {
    // A reason phrase fetch will not accept is not worth failing over.
    response = new Response(payload, { status: answer.status, headers });
  }
  Object.defineProperty(response, 'url', { value: answer.url });
  return response;
}

/** The one transport policy; `policy` overrides the defaults of `DEFAULT_POLICY`. */
export function createTransport(
  overrides: Partial<TransportPolicy> = {},
  options: TransportOptions = {},
): Transport {
  const transport = new PolicyTransport(Object.freeze(resolvePolicy(overrides)), options);
  return {
    policy: transport.policy,
    recorder: transport.recorder,
    redactor: transport.redactor,
    fetch: transport.fetch.bind(transport) as typeof fetch,
    send: transport.send.bind(transport),
    close: () => transport.agents.destroy(),
  };
}
