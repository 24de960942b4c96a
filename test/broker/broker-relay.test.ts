import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { expect } from 'chai';
import { type BrokerRelay, relayedEnv, startBrokerRelay } from '../../src/broker/broker-relay.ts';
import { startServer, type TestServer } from '../transport/servers.ts';

// The relay the pact CLI reaches a broker through: it passes requests on (forwarded, or tunnelled with
// CONNECT as HTTPS is) and cuts everything once the answers pass its cap. HTTPS itself is not needed to
// prove the tunnel: its bytes are relayed, never read.

const CAP = 256 * 1024;

/** GET `url` through the relay as a proxy client does (absolute-form target); status, headers and body. */
const viaRelay = (relay: BrokerRelay, url: string) =>
  new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }>((resolve, reject) => {
    const { port } = new URL(relay.url);
    const request = http.request({
      host: '127.0.0.1',
      port,
      path: url,
      headers: { connection: 'keep-alive' },
    });
    request.on('response', (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () =>
        resolve({
          status: response.statusCode ?? 0,
          headers: response.headers,
          body: Buffer.concat(chunks).toString(),
        }),
      );
      response.on('error', reject);
    });
    request.on('error', reject);
    request.end();
  });

/** Opens a CONNECT tunnel to `port` through the relay; resolves with the socket past the relay's 200. */
const tunnel = (relay: BrokerRelay, port: number) =>
  new Promise<net.Socket>((resolve, reject) => {
    const socket = net.connect(Number(new URL(relay.url).port), '127.0.0.1');
    socket.on('error', reject);
    socket.once('connect', () =>
      socket.write(`CONNECT 127.0.0.1:${port} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n\r\n`),
    );
    let head = '';
    const onData = (chunk: Buffer) => {
      head += chunk.toString('latin1');
      const end = head.indexOf('\r\n\r\n');
      if (end < 0) return;
      socket.off('data', onData);
      if (!head.startsWith('HTTP/1.1 200')) reject(new Error(head.split('\r\n')[0]));
      else {
        const rest = Buffer.from(head.slice(end + 4), 'latin1');
        if (rest.length > 0) socket.unshift(rest);
        resolve(socket);
      }
    };
    socket.on('data', onData);
  });

/** A TCP server on loopback that runs `onSocket` for each connection. */
const tcpServer = async (onSocket: (socket: net.Socket) => void) => {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => {});
    onSocket(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    close: () => {
      for (const socket of sockets) socket.destroy();
      server.close();
    },
  };
};

/** Writes filler to `socket` until it is closed, with back-pressure. */
const endlessTo = (socket: NodeJS.WritableStream & { destroyed: boolean }) => {
  const chunk = Buffer.alloc(16 * 1024, 'n');
  const pump = () => {
    while (!socket.destroyed && socket.write(chunk));
  };
  socket.on('drain', pump);
  pump();
};

describe('the broker relay', () => {
  let relay: BrokerRelay | undefined;
  let server: TestServer | undefined;
  let overflows = 0;
  const start = async () => {
    overflows = 0;
    relay = await startBrokerRelay(CAP, () => overflows++);
    return relay;
  };
  afterEach(async () => {
    relay?.close();
    await server?.close();
    relay = undefined;
    server = undefined;
  });

  it('forwards a request and its answer, without the hop-by-hop headers', async () => {
    server = await startServer((request, response) => {
      response.writeHead(200, {
        'content-type': 'text/plain',
        'x-seen-connection': String(request.headers.connection),
      });
      response.end(`you asked for ${request.url}`);
    });
    const answer = await viaRelay(await start(), `${server.url}/pacts?x=1`);
    expect([answer.status, answer.body]).to.deep.equal([200, 'you asked for /pacts?x=1']);
    expect(answer.headers['x-seen-connection']).not.to.equal('keep-alive');
    expect(relay?.received()).to.equal(answer.body.length);
    expect(overflows).to.equal(0);
  });

  it('relays a CONNECT tunnel both ways, counting what comes back', async () => {
    const echo = await tcpServer((socket) => socket.pipe(socket));
    try {
      const socket = await tunnel(await start(), echo.port);
      const back = new Promise<string>((resolve) =>
        socket.once('data', (chunk: Buffer) => resolve(chunk.toString())),
      );
      socket.write('hello through the tunnel');
      expect(await back).to.equal('hello through the tunnel');
      expect(relay?.received()).to.equal('hello through the tunnel'.length);
      socket.destroy();
    } finally {
      echo.close();
    }
  });

  it('cuts a forwarded answer that never ends at the cap, once, and refuses what comes after', async () => {
    server = await startServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.on('error', () => {});
      endlessTo(response);
    });
    await start();
    const cut = await viaRelay(relay as BrokerRelay, `${server.url}/endless`).then(
      () => 'ended',
      (error: Error) => error.message,
    );
    expect(cut).not.to.equal('ended');
    expect(overflows).to.equal(1);
    expect(relay?.received())
      .to.be.above(CAP)
      .and.below(CAP + 1024 * 1024);
    const after = await viaRelay(relay as BrokerRelay, `${server.url}/again`);
    expect(after.status).to.equal(502);
    expect(overflows).to.equal(1);
  });

  it('cuts a tunnel that never ends at the cap', async () => {
    const endless = await tcpServer((socket) => endlessTo(socket));
    try {
      const socket = await tunnel(await start(), endless.port);
      await new Promise<void>((resolve) => {
        socket.on('data', () => {});
        socket.on('close', () => resolve());
      });
      expect(overflows).to.equal(1);
      expect(relay?.received())
        .to.be.above(CAP)
        .and.below(CAP + 1024 * 1024);
    } finally {
      endless.close();
    }
  });

  it('is the only proxy the CLI has, with no exemption', () => {
    const env = relayedEnv(
      { PATH: '/bin', HTTPS_PROXY: 'http://corporate:3128', NO_PROXY: '127.0.0.1', no_proxy: '*' },
      { url: 'http://127.0.0.1:4000' },
    );
    expect(env).to.deep.equal({
      PATH: '/bin',
      HTTP_PROXY: 'http://127.0.0.1:4000',
      http_proxy: 'http://127.0.0.1:4000',
      HTTPS_PROXY: 'http://127.0.0.1:4000',
      https_proxy: 'http://127.0.0.1:4000',
      ALL_PROXY: 'http://127.0.0.1:4000',
      all_proxy: 'http://127.0.0.1:4000',
    });
  });
});
