import http, { type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import type https from 'node:https';
import { decodeBody } from './decode.ts';
import { httpsModule } from './lazy-builtins.ts';
import type { TransportFailure } from './transport-error.ts';

// One attempt of one request over node:http(s): a timer covering connect, headers and body, a byte count
// kept as chunks arrive, and every way a socket can fail turned into a one-line TransportFailure.

export interface AttemptRequest {
  method: string;
  url: URL;
  headers: Record<string, string | string[]>;
  body?: Uint8Array;
}

export interface ReceivedResponse {
  status: number;
  statusText: string;
  /** Header pairs as received; a name may repeat (set-cookie). */
  headerPairs: [string, string][];
  /** Names in lower case, repeated values joined, as node:http gives them. */
  headers: IncomingHttpHeaders;
  /** The body as read: never more than the cap. */
  body: Buffer;
  /** Bytes received, which exceeds `body.length` when the cap cut the body off. */
  bodyBytes: number;
  /** The content codings undone to give `body` (gzip, deflate, br), when the target used any. */
  decodedFrom?: string[];
}

/** A response, or a failure with whatever had arrived when it happened. */
export type AttemptResult =
  | { response: ReceivedResponse; failure?: undefined }
  | { failure: TransportFailure; response?: ReceivedResponse };

export interface AttemptLimits {
  timeoutMs: number;
  maxBodyBytes: number;
  agents: { http: http.Agent; https: https.Agent };
  /** The caller's signal: aborting it rejects the attempt with the signal's reason. */
  signal?: AbortSignal;
}

const DEFAULT_PORTS: Record<string, string> = { 'http:': '80', 'https:': '443' };

const TLS_CODE = /^(?:ERR_TLS_|ERR_SSL_|CERT_|UNABLE_TO_|DEPTH_ZERO_|SELF_SIGNED_|HOSTNAME_MISMATCH)/;

/** A socket error in one line that names the peer, never the request (which carries the credentials). */
export const describeSocketError = (
  error: NodeJS.ErrnoException & { address?: string; port?: number },
  url: URL,
  duringBody: boolean,
): TransportFailure => {
  const where = error.address
    ? `${error.address}:${error.port ?? ''}`.replace(/:$/, '')
    : `${url.hostname}:${url.port || DEFAULT_PORTS[url.protocol]}`;
  const code = error.code ?? '';
  const body = duringBody ? ' while reading the body' : '';
  switch (code) {
    case 'ECONNREFUSED':
      return { kind: 'connection', message: `connection refused by ${where}` };
    case 'ECONNRESET':
    case 'EPIPE':
      return { kind: 'connection', message: `connection reset by ${where}${body}` };
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return { kind: 'connection', message: `host not found: ${url.hostname}` };
    case 'ETIMEDOUT':
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
    case 'ECONNABORTED':
    case 'EADDRNOTAVAIL':
      return { kind: 'connection', message: `cannot reach ${where} (${code})` };
  }
  if (code.startsWith('HPE_'))
    return { kind: 'protocol', message: `malformed HTTP response from ${where} (${code})` };
  if (TLS_CODE.test(code)) return { kind: 'protocol', message: `TLS with ${where} failed (${code})` };
  return { kind: 'connection', message: `connection to ${where} failed (${code || error.message})` };
};

const pairsOf = (raw: string[]): [string, string][] => {
  const pairs: [string, string][] = [];
  for (let i = 0; i + 1 < raw.length; i += 2) pairs.push([raw[i] as string, raw[i + 1] as string]);
  return pairs;
};

/**
 * One attempt in flight: the request, the response as it arrives (bytes kept up to the cap, bytes counted
 * past it), and the one way it settles (a response, a failure, or the caller's abort) whichever comes first.
 */
class AttemptInFlight {
  #settled = false;
  #incoming: IncomingMessage | undefined;
  readonly #kept: Buffer[] = [];
  #keptBytes = 0;
  #received = 0;
  #timer: NodeJS.Timeout | undefined;
  #outgoing: http.ClientRequest | undefined;

  constructor(
    readonly request: AttemptRequest,
    readonly limits: AttemptLimits,
    readonly resolve: (result: AttemptResult) => void,
    readonly reject: (reason: unknown) => void,
  ) {}

  start(): void {
    const { request, limits } = this;
    const { url } = request;
    const { timeoutMs, signal } = limits;
    if (signal?.aborted) {
      this.reject(signal.reason);
      return;
    }
    const client = url.protocol === 'https:' ? httpsModule() : http;
    const agent = url.protocol === 'https:' ? limits.agents.https : limits.agents.http;
    let outgoing: http.ClientRequest;
    try {
      outgoing = client.request(url, { method: request.method, headers: request.headers, agent });
    } catch (error) {
      // node rejects a bad method or header before any I/O; its message names the header, not the value.
      this.resolve({
        failure: { kind: 'protocol', message: `request not sent: ${(error as Error).message}` },
      });
      return;
    }
    this.#outgoing = outgoing;
    this.#timer = setTimeout(() => {
      const incoming = this.#incoming;
      this.fail({
        kind: 'timeout',
        message: incoming
          ? `no complete response within ${timeoutMs} ms (status ${incoming.statusCode} and ${this.#received} body bytes received)`
          : `no response within ${timeoutMs} ms`,
      });
    }, timeoutMs);
    signal?.addEventListener('abort', this.#onAbort, { once: true });

    outgoing.on('error', (error) => this.fail(describeSocketError(error, url, false)));
    outgoing.on('response', (response) => this.onResponse(response));
    outgoing.end(request.body);
  }

  snapshot(): ReceivedResponse | undefined {
    const incoming = this.#incoming;
    return (
      incoming && {
        status: incoming.statusCode ?? 0,
        statusText: incoming.statusMessage || http.STATUS_CODES[incoming.statusCode ?? 0] || '',
        headerPairs: pairsOf(incoming.rawHeaders),
        headers: incoming.headers,
        body: Buffer.concat(this.#kept, this.#keptBytes),
        bodyBytes: this.#received,
      }
    );
  }

  /** True once only: the first way to end wins and stops the timer and the abort listener. */
  settle(): boolean {
    if (this.#settled) return false;
    this.#settled = true;
    clearTimeout(this.#timer);
    this.limits.signal?.removeEventListener('abort', this.#onAbort);
    return true;
  }

  // Destroying the request closes the socket: the server sees the connection end, nothing more is read.
  fail(failure: TransportFailure): void {
    if (!this.settle()) return;
    const response = this.snapshot();
    this.resolve(response ? { failure, response } : { failure });
    this.#outgoing?.destroy();
  }

  readonly #onAbort = (): void => {
    if (!this.settle()) return;
    this.reject(this.limits.signal?.reason);
    this.#outgoing?.destroy();
  };

  onResponse(response: IncomingMessage): void {
    const { url } = this.request;
    const { maxBodyBytes } = this.limits;
    this.#incoming = response;
    const declared = Number(response.headers['content-length']);
    if (Number.isSafeInteger(declared) && declared > maxBodyBytes) {
      this.fail({
        kind: 'too-large',
        message: `response body of ${declared} bytes (Content-Length) exceeds the cap of ${maxBodyBytes} bytes`,
      });
      return;
    }
    response.on('data', (chunk: Buffer) => this.onData(chunk));
    response.on('end', () => this.onEnd(response));
    response.on('error', (error) => this.fail(describeSocketError(error, url, true)));
    response.on('close', () => {
      if (!response.complete) {
        const where = `${url.hostname}:${url.port || DEFAULT_PORTS[url.protocol]}`;
        this.fail({
          kind: 'connection',
          message: `connection closed by ${where} before the body was complete`,
        });
      }
    });
  }

  onData(chunk: Buffer): void {
    if (this.#settled) return;
    const { maxBodyBytes } = this.limits;
    this.#received += chunk.length;
    const room = maxBodyBytes - this.#keptBytes;
    if (room > 0) {
      const part = chunk.length > room ? Buffer.from(chunk.subarray(0, room)) : chunk;
      this.#kept.push(part);
      this.#keptBytes += part.length;
    }
    if (this.#received > maxBodyBytes) {
      this.fail({ kind: 'too-large', message: `response body exceeded ${maxBodyBytes} bytes` });
    }
  }

  onEnd(response: IncomingMessage): void {
    const received = this.snapshot();
    if (!received || this.#settled) return;
    // Decoded inside the attempt, so its timer and the caller's signal still apply.
    void decodeBody(received.body, response.headers['content-encoding'], this.limits.maxBodyBytes).then(
      (decoded) => {
        if ('failure' in decoded) this.fail(decoded.failure);
        else if (this.settle()) {
          const codings = decoded.codings.length > 0 ? { decodedFrom: decoded.codings } : {};
          this.resolve({ response: { ...received, body: decoded.body, ...codings } });
        }
      },
      (error: Error) => this.fail({ kind: 'protocol', message: `body does not decode (${error.message})` }),
    );
  }
}

/** Sends one request and reads its response within the limits; resolves with a response or a failure. */
export function performAttempt(request: AttemptRequest, limits: AttemptLimits): Promise<AttemptResult> {
  return new Promise((resolve, reject) => new AttemptInFlight(request, limits, resolve, reject).start());
}
