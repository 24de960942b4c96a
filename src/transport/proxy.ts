import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Transport } from './transport.ts';
import { TransportError, type TransportErrorKind } from './transport-error.ts';

// Pact's verifier sends its requests from its native core, out of reach of our fetch. Pointing it at this
// local proxy puts that traffic through the same transport policy (timeouts, retries, cap, recording).

/** Set on every answer the proxy makes up itself, so a caller can tell it from the provider's. */
export const TRANSPORT_ERROR_HEADER = 'x-conformance-transport-error';
/** Set on every relayed answer: the id of the recorded exchange behind it. */
export const EXCHANGE_ID_HEADER = 'x-conformance-exchange-id';

/** Headers that describe one connection, not the message (RFC 9110 §7.6.1); never forwarded. */
const HOP_BY_HOP = [
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
];

export interface ForwardingProxyOptions {
  /** Base URL of the target; its path (e.g. `/v1`) prefixes every forwarded path. */
  target: string;
  transport: Transport;
  /** Changes the headers (names in lower case) after hop-by-hop ones are dropped and before sending. */
  rewriteRequestHeaders?: (headers: Record<string, string>) => Record<string, string>;
  /** The check label of a forwarded request's exchange. */
  label?: (request: IncomingMessage) => string | undefined;
}

export interface ForwardingProxy {
  /** `http://127.0.0.1:<port>`, no trailing slash. */
  url: string;
  close(): Promise<void>;
}

/** Header pairs minus hop-by-hop ones, including any the Connection header names. */
const endToEnd = (pairs: readonly [string, string][]): [string, string][] => {
  const named = pairs
    .filter(([name]) => name.toLowerCase() === 'connection')
    .flatMap(([, value]) => value.split(',').map((token) => token.trim().toLowerCase()));
  return pairs.filter(([name]) => {
    const lower = name.toLowerCase();
    return !HOP_BY_HOP.includes(lower) && !named.includes(lower);
  });
};

const pairsOf = (raw: string[]): [string, string][] => {
  const pairs: [string, string][] = [];
  for (let i = 0; i + 1 < raw.length; i += 2) pairs.push([raw[i] as string, raw[i + 1] as string]);
  return pairs;
};

/** The target URL for an incoming path: the target's path prefix, then the incoming path and query. */
export const forwardedUrl = (target: URL, incomingPath: string): URL => {
  const incoming = new URL(incomingPath, 'http://proxy.invalid');
  const prefix = target.pathname.replace(/\/+$/, '');
  const url = new URL(target.href);
  url.pathname = `${prefix}${incoming.pathname}`;
  url.search = incoming.search;
  return url;
};

const statusOfFailure: Record<TransportErrorKind, number> = {
  timeout: 504,
  connection: 502,
  'too-large': 502,
  protocol: 502,
};

const answerWithFailure = (
  response: ServerResponse,
  status: number,
  kind: TransportErrorKind | 'internal',
  message: string,
  exchangeId?: string,
): void => {
  if (response.headersSent) {
    response.destroy();
    return;
  }
  const body = JSON.stringify({ error: { message, type: 'transport_error' } });
  response.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body),
    [TRANSPORT_ERROR_HEADER]: kind,
    ...(exchangeId ? { [EXCHANGE_ID_HEADER]: exchangeId } : {}),
  });
  response.end(body);
};

/** Reads a request body up to `limit` bytes; `undefined` when it is longer. */
const readBody = async (request: IncomingMessage, limit: number): Promise<Buffer | undefined> => {
  const chunks: Buffer[] = [];
  let length = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    length += chunk.length;
    if (length > limit) return undefined;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, length);
};

/** Starts the proxy on 127.0.0.1, on a port the system picks. */
export const startForwardingProxy = async (options: ForwardingProxyOptions): Promise<ForwardingProxy> => {
  const { transport, rewriteRequestHeaders, label } = options;
  const target = new URL(options.target);
  if (target.protocol !== 'http:' && target.protocol !== 'https:') {
    throw new TypeError(`forwarding proxy: target must be an http or https URL (got ${target.protocol})`);
  }
  if (target.search || target.hash) {
    throw new TypeError('forwarding proxy: target must not carry a query or a fragment');
  }

  const forward = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const body = await readBody(request, transport.policy.maxBodyBytes);
    if (body === undefined) {
      const message = `request body exceeded ${transport.policy.maxBodyBytes} bytes`;
      answerWithFailure(response, 413, 'too-large', message);
      return;
    }
    let headers: Record<string, string> = {};
    for (const [name, value] of endToEnd(pairsOf(request.rawHeaders))) {
      const lower = name.toLowerCase();
      if (lower === 'host' || lower === 'content-length') continue;
      headers[lower] = lower in headers ? `${headers[lower]}, ${value}` : value;
    }
    if (rewriteRequestHeaders) headers = rewriteRequestHeaders(headers);
    const check = label?.(request);
    // A caller that hangs up (Pact's own timeout) stops the policy: no retries for nobody.
    const hangUp = new AbortController();
    response.on('close', () => {
      if (!response.writableEnded) hangUp.abort();
    });
    try {
      const answer = await transport.send(
        {
          method: request.method ?? 'GET',
          url: forwardedUrl(target, request.url ?? '/'),
          headers,
          ...(body.length > 0 ? { body } : {}),
        },
        // The caller (Pact) judges redirects itself; the proxy only relays them.
        { redirect: 'manual', signal: hangUp.signal, ...(check === undefined ? {} : { check }) },
      );
      for (const [name, value] of endToEnd(answer.headerPairs)) {
        const lower = name.toLowerCase();
        if (lower === 'content-length' && request.method !== 'HEAD') continue;
        response.appendHeader(name, value);
      }
      if (request.method !== 'HEAD') response.setHeader('content-length', answer.body.length);
      response.setHeader(EXCHANGE_ID_HEADER, answer.exchange.id);
      response.writeHead(answer.status, answer.statusText);
      response.end(request.method === 'HEAD' ? undefined : answer.body);
    } catch (error) {
      if (error instanceof TransportError) {
        answerWithFailure(
          response,
          statusOfFailure[error.kind],
          error.kind,
          error.message,
          error.exchange.id,
        );
        return;
      }
      if (hangUp.signal.aborted) return;
      throw error;
    }
  };

  const server = createServer((request, response) => {
    forward(request, response).catch((error: unknown) => {
      const message = transport.redactor.text(`forwarding proxy failed: ${(error as Error).message}`);
      answerWithFailure(response, 500, 'internal', message.split('\n')[0] ?? message);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
};
