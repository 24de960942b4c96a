import { randomBytes } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { expect } from 'chai';
import { EXAMPLE_ADMIN_KEY } from '../../src/contract/states.ts';
import type { TransportPolicy } from '../../src/transport/policy.ts';
import {
  EXCHANGE_ID_HEADER,
  type ForwardingProxy,
  type ForwardingProxyOptions,
  forwardedUrl,
  startForwardingProxy,
  TRANSPORT_ERROR_HEADER,
} from '../../src/transport/proxy.ts';
import { createTransport, type Transport } from '../../src/transport/transport.ts';
import { closedPort, type Handler, json, startServer, type TestServer } from './servers.ts';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const serve = async (handler: Handler): Promise<TestServer> => {
  const server = await startServer(handler);
  cleanups.push(() => server.close());
  return server;
};

/** A proxy in front of `target` with a transport whose waits are recorded, not slept. */
const proxyTo = async (
  target: string,
  policy: Partial<TransportPolicy> = {},
  options: Omit<ForwardingProxyOptions, 'target' | 'transport'> = {},
): Promise<{ proxy: ForwardingProxy; transport: Transport; waits: number[] }> => {
  const waits: number[] = [];
  const transport = createTransport(
    { baseDelayMs: 100, timeoutMs: 2_000, ...policy },
    {
      random: () => 0.5,
      sleep: async (ms) => {
        waits.push(ms);
      },
    },
  );
  cleanups.push(() => transport.close());
  const proxy = await startForwardingProxy({ target, transport, ...options });
  cleanups.push(() => proxy.close());
  return { proxy, transport, waits };
};

describe('forwardedUrl', () => {
  const cases: [target: string, path: string, want: string][] = [
    [
      'https://api.example/v1',
      '/organization/projects/p/api_keys/k',
      'https://api.example/v1/organization/projects/p/api_keys/k',
    ],
    ['https://api.example/v1/', '/a?b=1&c=2', 'https://api.example/v1/a?b=1&c=2'],
    ['http://127.0.0.1:8080', '/a/b', 'http://127.0.0.1:8080/a/b'],
    ['http://127.0.0.1:8080/', '/', 'http://127.0.0.1:8080/'],
    ['https://api.example/v1', '//elsewhere.example/x', 'https://api.example/v1/x'],
    ['https://api.example/v1', '/a%2Fb', 'https://api.example/v1/a%2Fb'],
  ];
  for (const [target, path, want] of cases) {
    it(`forwards ${path} to ${target} as ${want}`, () => {
      expect(forwardedUrl(new URL(target), path).href).to.equal(want);
    });
  }
});

describe('startForwardingProxy', () => {
  it('forwards method, path under the target prefix, query, headers and body; relays the answer', async () => {
    const server = await serve((request, response) =>
      json(response, 201, { seen: request.url }, { 'x-request-id': 'req_9', 'set-cookie': ['a=1', 'b=2'] }),
    );
    const { proxy, transport } = await proxyTo(`${server.url}/v1`);
    const response = await fetch(`${proxy.url}/organization/projects/proj_abc/api_keys/key_abc?x=1`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-trace': 't1' },
      body: '{"a":1}',
    });
    expect(response.status).to.equal(201);
    expect(await response.json()).to.deep.equal({
      seen: '/v1/organization/projects/proj_abc/api_keys/key_abc?x=1',
    });
    expect(response.headers.get('x-request-id')).to.equal('req_9');
    expect(response.headers.getSetCookie()).to.deep.equal(['a=1', 'b=2']);
    expect(response.headers.get(TRANSPORT_ERROR_HEADER)).to.equal(null);
    expect(response.headers.get(EXCHANGE_ID_HEADER)).to.equal('ex-1');
    const [seen] = server.requests;
    expect(seen).to.deep.include({ method: 'POST', body: '{"a":1}' });
    expect(seen?.headers).to.include({ 'content-type': 'application/json', 'x-trace': 't1' });
    expect(seen?.headers.host).to.equal(new URL(server.url).host);
    expect(transport.recorder.exchanges()[0]?.request.url).to.equal(
      `${server.url}/v1/organization/projects/proj_abc/api_keys/key_abc?x=1`,
    );
  });

  it('drops hop-by-hop headers, including those the Connection header names', async () => {
    const server = await serve((_request, response) => json(response, 200, {}));
    const { proxy } = await proxyTo(server.url);
    // fetch will not send a Connection header of our choosing; node:http will.
    await new Promise<void>((resolve, reject) => {
      const request = httpRequest(proxy.url, {
        headers: {
          connection: 'keep-alive, x-hop',
          'x-hop': '1',
          'x-end': '2',
          'proxy-authorization': 'Basic eA==',
        },
      });
      request.on('response', (response) => response.resume().on('end', resolve));
      request.on('error', reject);
      request.end();
    });
    const headers = server.requests[0]?.headers ?? {};
    expect(headers['x-end']).to.equal('2');
    expect(headers).not.to.have.property('x-hop');
    expect(headers).not.to.have.property('proxy-authorization');
  });

  it('injects the real key in place of the placeholder and records it redacted', async () => {
    const realKey = `sk-admin-${randomBytes(30).toString('base64url')}`;
    const server = await serve((request, response) =>
      json(response, 200, { echoed: request.headers.authorization }),
    );
    const { proxy, transport } = await proxyTo(
      server.url,
      {},
      {
        rewriteRequestHeaders: (headers) =>
          headers.authorization === `Bearer ${EXAMPLE_ADMIN_KEY}`
            ? { ...headers, authorization: `Bearer ${realKey}` }
            : headers,
        label: (request) => `pact: ${request.method} ${request.url}`,
      },
    );
    const response = await fetch(`${proxy.url}/k`, {
      headers: { authorization: `Bearer ${EXAMPLE_ADMIN_KEY}` },
    });
    expect(server.requests[0]?.headers.authorization).to.equal(`Bearer ${realKey}`);
    expect(await response.json(), 'the relayed body is the provider’s').to.deep.equal({
      echoed: `Bearer ${realKey}`,
    });
    const [exchange] = transport.recorder.exchanges();
    expect(exchange?.check).to.equal('pact: GET /k');
    expect(exchange?.request.headers.authorization).to.equal('[REDACTED]');
    expect(exchange?.response?.bodyExcerpt).to.equal('{"echoed":"[REDACTED]"}');
    expect(JSON.stringify(transport.recorder.exchanges())).not.to.include(realKey.slice(9));
  });

  it('applies the policy’s retries to forwarded requests', async () => {
    const server = await serve((_request, response, index) =>
      index === 0 ? json(response, 503, { error: { message: 'busy' } }) : json(response, 200, { ok: true }),
    );
    const { proxy, transport, waits } = await proxyTo(server.url);
    const response = await fetch(`${proxy.url}/k`);
    expect(response.status).to.equal(200);
    expect(server.requests).to.have.length(2);
    expect(transport.recorder.exchanges()[0]?.attempts.map((a) => a.status)).to.deep.equal([503, 200]);
    expect(waits).to.deep.equal([50]);
  });

  it('relays a redirect as it is, following nothing', async () => {
    const server = await serve((_request, response) => {
      response.writeHead(302, { location: '/elsewhere' });
      response.end();
    });
    const { proxy } = await proxyTo(server.url);
    const response = await fetch(`${proxy.url}/k`, { redirect: 'manual' });
    expect(response.status).to.equal(302);
    expect(response.headers.get('location')).to.equal('/elsewhere');
    expect(server.requests).to.have.length(1);
  });

  const failures: {
    description: string;
    target: () => Promise<string>;
    policy: Partial<TransportPolicy>;
    status: number;
    kind: string;
    message: RegExp;
  }[] = [
    {
      description: 'a target that never answers',
      target: async () => (await serve(() => {})).url,
      policy: { timeoutMs: 60, retries: 0 },
      status: 504,
      kind: 'timeout',
      message: /^no response within 60 ms$/,
    },
    {
      description: 'a target that refuses connections',
      target: async () => `http://127.0.0.1:${await closedPort()}`,
      policy: { retries: 1 },
      status: 502,
      kind: 'connection',
      message: /^connection refused by 127\.0\.0\.1:\d+ \(2 attempts\)$/,
    },
    {
      description: 'a body over the cap',
      target: async () => (await serve((_request, response) => response.end('z'.repeat(5000)))).url,
      policy: { maxBodyBytes: 1000 },
      status: 502,
      kind: 'too-large',
      message: /^response body of 5000 bytes \(Content-Length\) exceeds the cap of 1000 bytes$/,
    },
  ];
  for (const { description, target, policy, status, kind, message } of failures) {
    it(`answers ${status} with ${TRANSPORT_ERROR_HEADER}: ${kind} for ${description}`, async () => {
      const { proxy, transport } = await proxyTo(await target(), policy);
      const response = await fetch(`${proxy.url}/k`);
      expect(response.status).to.equal(status);
      expect(response.headers.get(TRANSPORT_ERROR_HEADER)).to.equal(kind);
      expect(response.headers.get(EXCHANGE_ID_HEADER)).to.equal('ex-1');
      const body = (await response.json()) as { error: { message: string; type: string } };
      expect(body.error.type).to.equal('transport_error');
      expect(body.error.message).to.match(message);
      expect(transport.recorder.exchanges()[0]?.error).to.be.a('string');
    });
  }

  it('stops the policy when its caller hangs up: no retries, the abort recorded', async () => {
    const server = await serve(() => {});
    const { proxy, transport } = await proxyTo(server.url, { timeoutMs: 5_000, retries: 2 });
    const caller = new AbortController();
    const pending = fetch(`${proxy.url}/k`, { signal: caller.signal });
    while (server.requests.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    caller.abort();
    await pending.catch(() => undefined);
    for (let i = 0; i < 200 && transport.recorder.exchanges().length === 0; i++) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    expect(transport.recorder.exchanges().map((e) => e.error)).to.deep.equal(['aborted by the caller']);
    expect(server.requests).to.have.length(1);
  });

  it('answers 413 to a request body over the cap without forwarding it', async () => {
    const server = await serve((_request, response) => json(response, 200, {}));
    const { proxy } = await proxyTo(server.url, { maxBodyBytes: 100 });
    const response = await fetch(proxy.url, { method: 'POST', body: 'q'.repeat(101) });
    expect(response.status).to.equal(413);
    expect(response.headers.get(TRANSPORT_ERROR_HEADER)).to.equal('too-large');
    expect(server.requests).to.have.length(0);
  });

  const badTargets: [string, RegExp][] = [
    ['ftp://example.test/v1', /must be an http or https URL/],
    ['http://127.0.0.1:1/v1?x=1', /must not carry a query/],
  ];
  for (const [target, message] of badTargets) {
    it(`refuses the target ${target}`, async () => {
      const transport = createTransport();
      cleanups.push(() => transport.close());
      let error: unknown;
      try {
        await startForwardingProxy({ target, transport });
      } catch (caught) {
        error = caught;
      }
      expect(error).to.be.instanceOf(TypeError);
      expect((error as Error).message).to.match(message);
    });
  }
});
