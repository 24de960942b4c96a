import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import net, { type AddressInfo, type Socket } from 'node:net';
import type { Duplex, Readable, Writable } from 'node:stream';
import { PROXY_VARIABLES } from '../pact/binary.ts';

// The official pact CLI reads a broker's answers whole, however big: an endless answer grew it to 23 GB
// in a minute. It honours the proxy variables, so it is pointed at this relay on loopback, which passes
// its requests on (plain HTTP forwarded, HTTPS tunnelled with CONNECT, never decrypted) and counts the
// bytes that come back. Past the cap it cuts every connection and tells its owner, who stops the CLI.

export interface BrokerRelay {
  /** `http://127.0.0.1:<port>`: the value of the proxy variables. */
  readonly url: string;
  /** Bytes the CLI has been sent so far, through every connection. */
  received(): number;
  close(): void;
}

/** Headers of one hop only (RFC 9110 §7.6.1): never passed on. */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);

/** Raw header pairs without the hop-by-hop ones, as node takes them (a name may repeat). */
function endToEnd(raw: readonly string[]): string[] {
  const kept: string[] = [];
  for (let i = 0; i + 1 < raw.length; i += 2) {
    if (!HOP_BY_HOP.has((raw[i] as string).toLowerCase())) kept.push(raw[i] as string, raw[i + 1] as string);
  }
  return kept;
}

/** `[::1]` as node's connect wants it: `::1`. */
const bareHost = (hostname: string): string => hostname.replace(/^\[(.*)\]$/, '$1');

/** What the proxy variables hold for a CLI that must go through `relay`, and no exemption from it. */
export function relayedEnv(env: NodeJS.ProcessEnv, relay: Pick<BrokerRelay, 'url'>): NodeJS.ProcessEnv {
  const relayed: NodeJS.ProcessEnv = { ...env };
  for (const name of ['NO_PROXY', 'no_proxy']) delete relayed[name];
  for (const name of PROXY_VARIABLES) relayed[name] = relay.url;
  return relayed;
}

/** Copies `from` into `to` with back-pressure, counting each chunk first: false stops the copy. */
function relayCounted(from: Readable, to: Writable, count: (n: number) => boolean) {
  from.on('data', (chunk: Buffer) => {
    if (!count(chunk.length)) return;
    if (!to.write(chunk)) {
      from.pause();
      to.once('drain', () => from.resume());
    }
  });
}

/** The relay's connections and the bytes counted through them; past `maxBytes` it cuts them all. */
class CountingRelay {
  readonly #open = new Set<Socket | Duplex>();
  received = 0;
  overflowed = false;

  constructor(
    readonly maxBytes: number,
    readonly onOverflow: () => void,
  ) {}

  track<T extends Socket | Duplex>(socket: T): T {
    this.#open.add(socket);
    socket.once('close', () => this.#open.delete(socket));
    return socket;
  }

  cutAll(): void {
    for (const socket of this.#open) socket.destroy();
    this.#open.clear();
  }

  /** Counts `n` more bytes; past the cap, cuts everything (once telling the owner) and says false. */
  readonly count = (n: number): boolean => {
    this.received += n;
    if (this.received <= this.maxBytes && !this.overflowed) return true;
    if (!this.overflowed) {
      this.overflowed = true;
      this.onOverflow();
    }
    this.cutAll();
    return false;
  };

  /** Plain HTTP: the request passed on without its hop-by-hop headers, the answer counted on the way back. */
  forward(request: IncomingMessage, response: ServerResponse): void {
    let target: URL;
    try {
      target = new URL(request.url ?? '');
    } catch {
      response.writeHead(400).end('the relay forwards absolute http URLs only\n');
      return;
    }
    if (this.overflowed || target.protocol !== 'http:') {
      response.writeHead(this.overflowed ? 502 : 400).end();
      return;
    }
    const upstream = http.request({
      host: bareHost(target.hostname),
      port: target.port || 80,
      method: request.method,
      path: `${target.pathname}${target.search}`,
      headers: endToEnd(request.rawHeaders),
      agent: false,
    });
    upstream.on('socket', (socket) => this.track(socket));
    upstream.on('error', () => (response.headersSent ? response.destroy() : response.writeHead(502).end()));
    upstream.on('response', (answer) => {
      response.writeHead(answer.statusCode ?? 502, answer.statusMessage, endToEnd(answer.rawHeaders));
      relayCounted(answer, response, this.count);
      answer.on('end', () => response.end());
    });
    request.pipe(upstream);
  }

  /** HTTPS: a CONNECT tunnel, never decrypted, its bytes from the broker counted. */
  tunnel(request: IncomingMessage, client: Duplex, head: Buffer): void {
    this.track(client);
    const [, host, port] = /^\[?([^\]]*?)\]?:(\d+)$/.exec(request.url ?? '') ?? [];
    if (this.overflowed || !host || !port) {
      client.end('HTTP/1.1 502 Bad Gateway\r\n\r\n');
      return;
    }
    const upstream = this.track(net.connect(Number(port), host));
    upstream.on('connect', () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length > 0) upstream.write(head);
      client.pipe(upstream);
      relayCounted(upstream, client, this.count);
    });
    upstream.on('end', () => client.end());
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
  }
}

/**
 * Starts the relay. `onOverflow` is called once, when the answers together pass `maxBytes`; by then
 * every connection is cut, and every later one is refused.
 */
export async function startBrokerRelay(maxBytes: number, onOverflow: () => void): Promise<BrokerRelay> {
  const relay = new CountingRelay(maxBytes, onOverflow);
  const server = http.createServer((request, response) => relay.forward(request, response));
  server.on('connect', (request: IncomingMessage, client: Duplex, head: Buffer) =>
    relay.tunnel(request, client, head),
  );
  server.on('connection', (socket: Socket) => relay.track(socket));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received: () => relay.received,
    close: () => {
      server.close();
      relay.cutAll();
    },
  };
}
