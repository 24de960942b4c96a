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

/** Sends one request and reads its response within the limits; resolves with a response or a failure. */
export const performAttempt = (request: AttemptRequest, limits: AttemptLimits): Promise<AttemptResult> =>
  new Promise((resolve, reject) => {
    const { url } = request;
    const { maxBodyBytes, timeoutMs, signal } = limits;
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    let settled = false;
    let incoming: IncomingMessage | undefined;
    const kept: Buffer[] = [];
    let keptBytes = 0;
    let received = 0;

    const snapshot = (): ReceivedResponse | undefined =>
      incoming && {
        status: incoming.statusCode ?? 0,
        statusText: incoming.statusMessage || http.STATUS_CODES[incoming.statusCode ?? 0] || '',
        headerPairs: pairsOf(incoming.rawHeaders),
        headers: incoming.headers,
        body: Buffer.concat(kept, keptBytes),
        bodyBytes: received,
      };
    const settle = (): boolean => {
      if (settled) return false;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      return true;
    };
    // Destroying the request closes the socket: the server sees the connection end, nothing more is read.
    const fail = (failure: TransportFailure): void => {
      if (!settle()) return;
      const response = snapshot();
      resolve(response ? { failure, response } : { failure });
      outgoing.destroy();
    };
    const onAbort = (): void => {
      if (!settle()) return;
      reject(signal?.reason);
      outgoing.destroy();
    };

    const client = url.protocol === 'https:' ? httpsModule() : http;
    const agent = url.protocol === 'https:' ? limits.agents.https : limits.agents.http;
    let outgoing: http.ClientRequest;
    try {
      outgoing = client.request(url, { method: request.method, headers: request.headers, agent });
    } catch (error) {
      // node rejects a bad method or header before any I/O; its message names the header, not the value.
      resolve({ failure: { kind: 'protocol', message: `request not sent: ${(error as Error).message}` } });
      return;
    }
    const timer = setTimeout(() => {
      fail({
        kind: 'timeout',
        message: incoming
          ? `no complete response within ${timeoutMs} ms (status ${incoming.statusCode} and ${received} body bytes received)`
          : `no response within ${timeoutMs} ms`,
      });
    }, timeoutMs);
    signal?.addEventListener('abort', onAbort, { once: true });

    outgoing.on('error', (error) => fail(describeSocketError(error, url, false)));
    outgoing.on('response', (response) => {
      incoming = response;
      const declared = Number(response.headers['content-length']);
      if (Number.isSafeInteger(declared) && declared > maxBodyBytes) {
        fail({
          kind: 'too-large',
          message: `response body of ${declared} bytes (Content-Length) exceeds the cap of ${maxBodyBytes} bytes`,
        });
        return;
      }
      response.on('data', (chunk: Buffer) => {
        if (settled) return;
        received += chunk.length;
        const room = maxBodyBytes - keptBytes;
        if (room > 0) {
          const part = chunk.length > room ? Buffer.from(chunk.subarray(0, room)) : chunk;
          kept.push(part);
          keptBytes += part.length;
        }
        if (received > maxBodyBytes) {
          fail({ kind: 'too-large', message: `response body exceeded ${maxBodyBytes} bytes` });
        }
      });
      response.on('end', () => {
        const received = snapshot();
        if (!received || settled) return;
        // Decoded inside the attempt, so its timer and the caller's signal still apply.
        void decodeBody(received.body, response.headers['content-encoding'], maxBodyBytes).then(
          (decoded) => {
            if ('failure' in decoded) fail(decoded.failure);
            else if (settle()) {
              const codings = decoded.codings.length > 0 ? { decodedFrom: decoded.codings } : {};
              resolve({ response: { ...received, body: decoded.body, ...codings } });
            }
          },
          (error: Error) => fail({ kind: 'protocol', message: `body does not decode (${error.message})` }),
        );
      });
      response.on('error', (error) => fail(describeSocketError(error, url, true)));
      response.on('close', () => {
        if (!response.complete) {
          const where = `${url.hostname}:${url.port || DEFAULT_PORTS[url.protocol]}`;
          fail({ kind: 'connection', message: `connection closed by ${where} before the body was complete` });
        }
      });
    });
    outgoing.end(request.body);
  });
