import { randomBytes } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type OutgoingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

// The only "provider" the Pact verifier ever sees: a plain node:http server on 127.0.0.1 that answers
// its state changes and receives each interaction's request. What it answers is decided by handlers
// (verify-pact.ts sends the request on through the transport policy); what it will never relay is fixed
// here: a Location header (so the verifier cannot follow a redirect on its own), hop-by-hop headers,
// and encoding headers that would describe bytes other than the ones relayed.

export interface GatewayRequest {
  method: string;
  /** The request target exactly as received: path and query, still percent-encoded. */
  url: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export interface GatewayReply {
  status: number;
  headers?: [string, string][];
  body?: string | Uint8Array;
}

export interface GatewayHandlers {
  /** A state change: Pact's `{ action, state, params }` body, parsed. */
  stateChange(body: unknown): Promise<GatewayReply>;
  /** An interaction's request. */
  interaction(request: GatewayRequest): Promise<GatewayReply>;
}

export interface Gateway {
  port: number;
  stateChangeUrl: string;
  /** The header every request from the verifier must carry; anything without it is refused. */
  header: { name: string; value: string };
  close(): Promise<void>;
}

export const GATEWAY_HEADER = 'x-conformance-gateway';
const STATE_CHANGE_PATH = '/_pact/state-change';
const MAX_REQUEST_BYTES = 1024 * 1024;

/** Never relayed to the verifier: redirects stay the transport policy's, and framing is ours. */
const NOT_RELAYED = new Set([
  'location',
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'upgrade',
  'te',
  'trailer',
  'content-length',
  'content-encoding',
]);

/** The answer's headers as the verifier may see them. */
export const relayedHeaders = (pairs: readonly [string, string][]): OutgoingHttpHeaders => {
  const headers: OutgoingHttpHeaders = {};
  for (const [rawName, value] of pairs) {
    const name = rawName.toLowerCase();
    if (NOT_RELAYED.has(name)) continue;
    const previous = headers[name];
    headers[name] = previous === undefined ? value : [...[previous].flat().map(String), value];
  }
  return headers;
};

const text = (status: number, message: string): GatewayReply => ({
  status,
  headers: [['content-type', 'text/plain; charset=utf-8']],
  body: message,
});

/**
 * Starts the gateway on 127.0.0.1, port 0. `handlers` may still be on their way (a run starts the
 * verifier while it loads the document): requests wait for them.
 */
export const startGateway = async (
  handlers: GatewayHandlers | Promise<GatewayHandlers>,
): Promise<Gateway> => {
  const value = randomBytes(16).toString('hex');
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    let bytes = 0;
    request.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      if (bytes <= MAX_REQUEST_BYTES) chunks.push(chunk);
    });
    request.on('end', async () => {
      let reply: GatewayReply;
      try {
        if (request.headers[GATEWAY_HEADER] !== value) reply = text(403, 'not the verifier of this run');
        else if (bytes > MAX_REQUEST_BYTES) reply = text(413, 'request too large');
        else {
          const body = Buffer.concat(chunks);
          const ready = await handlers;
          if (request.method === 'POST' && request.url === STATE_CHANGE_PATH) {
            let parsed: unknown;
            try {
              parsed = JSON.parse(body.toString('utf8'));
            } catch {
              parsed = undefined;
            }
            reply = await ready.stateChange(parsed);
          } else {
            reply = await ready.interaction({
              method: request.method ?? 'GET',
              url: request.url ?? '/',
              headers: request.headers,
              body,
            });
          }
        }
      } catch (error) {
        reply = text(500, `gateway: ${(error as Error).message}`);
      }
      if (response.destroyed) return;
      response.writeHead(reply.status, relayedHeaders(reply.headers ?? []));
      response.end(reply.body);
    });
  });
  // The verifier may keep its connection open; close() must not wait for it.
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    port,
    stateChangeUrl: `http://127.0.0.1:${port}${STATE_CHANGE_PATH}`,
    header: { name: GATEWAY_HEADER, value },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
};
