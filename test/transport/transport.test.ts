import { randomBytes } from 'node:crypto';
import { brotliCompressSync, deflateRawSync, deflateSync, gzipSync } from 'node:zlib';
import { expect } from 'chai';
import { truncationMark } from '../../src/core/truncate.ts';
import type { TransportPolicy } from '../../src/transport/policy.ts';
import { createTransport, type Transport, type TransportOptions } from '../../src/transport/transport.ts';
import { TransportError } from '../../src/transport/transport-error.ts';
import { closedPort, type Handler, json, startServer, type TestServer } from './servers.ts';

const servers: TestServer[] = [];
const transports: Transport[] = [];

afterEach(async () => {
  for (const transport of transports.splice(0)) transport.close();
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

const serve = async (handler: Handler): Promise<TestServer> => {
  const server = await startServer(handler);
  servers.push(server);
  return server;
};

/** A transport with small delays, jitter fixed at one half, and waits recorded instead of slept. */
const make = (policy: Partial<TransportPolicy> = {}, options: TransportOptions = {}) => {
  const waits: number[] = [];
  const transport = createTransport(
    { baseDelayMs: 100, timeoutMs: 2_000, ...policy },
    {
      random: () => 0.5,
      sleep: async (ms) => {
        waits.push(ms);
      },
      ...options,
    },
  );
  transports.push(transport);
  return { transport, waits };
};

/** What a promise rejected with; fails the test when it resolved. */
const rejection = async (promise: Promise<unknown>): Promise<unknown> => {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
};

const transportError = async (promise: Promise<unknown>): Promise<TransportError> => {
  const error = await rejection(promise);
  expect(error).to.be.instanceOf(TransportError);
  return error as TransportError;
};

/** Answers `statuses[i]` to request i (with `headers[i]`), then 200 with `{ ok: true }`. */
const sequence =
  (statuses: number[], headers: Record<string, string>[] = []): Handler =>
  (_request, response, index) => {
    const status = statuses[index];
    if (status === undefined) json(response, 200, { ok: true });
    else json(response, status, { error: { message: `status ${status}` } }, headers[index] ?? {});
  };

describe('createTransport: retries', () => {
  const retried = [408, 409, 429, 500, 502, 503, 504];
  for (const status of retried) {
    it(`retries a GET answered ${status}, then passes with two attempts recorded`, async () => {
      const server = await serve(sequence([status]));
      const { transport, waits } = make();
      const response = await transport.fetch(`${server.url}/thing`);
      expect(response.status).to.equal(200);
      expect(await response.json()).to.deep.equal({ ok: true });
      expect(server.requests).to.have.length(2);
      const [exchange] = transport.recorder.exchanges();
      expect(exchange?.attempts.map((a) => a.status)).to.deep.equal([status, 200]);
      expect(exchange?.attempts[0]?.waitMs).to.equal(50);
      expect(exchange?.attempts[0]?.error).to.match(new RegExp(`^HTTP ${status}\\b.*50 ms backoff`));
      expect(exchange?.attempts[1]?.error).to.equal(undefined);
      expect(waits).to.deep.equal([50]);
    });
  }

  for (const status of [400, 401, 403, 404, 422]) {
    it(`does not retry ${status}: the answer is the provider's`, async () => {
      const server = await serve(sequence([status]));
      const { transport } = make();
      const response = await transport.fetch(`${server.url}/thing`);
      expect(response.status).to.equal(status);
      expect(server.requests).to.have.length(1);
      expect(transport.recorder.exchanges()[0]?.attempts).to.have.length(1);
    });
  }

  it('gives up after retries + 1 attempts on a permanent 500, waiting with exponential backoff', async () => {
    const server = await serve(sequence([500, 500, 500, 500, 500]));
    const { transport, waits } = make({ retries: 2 });
    const response = await transport.fetch(`${server.url}/thing`);
    expect(response.status).to.equal(500);
    expect(server.requests).to.have.length(3);
    const [exchange] = transport.recorder.exchanges();
    expect(exchange?.attempts.map((a) => [a.status, a.waitMs])).to.deep.equal([
      [500, 50],
      [500, 100],
      [500, undefined],
    ]);
    expect(exchange?.response?.status).to.equal(500);
    expect(waits).to.deep.equal([50, 100]);
  });

  it('makes one attempt only with retries: 0', async () => {
    const server = await serve(sequence([503]));
    const { transport } = make({ retries: 0 });
    expect((await transport.fetch(server.url)).status).to.equal(503);
    expect(server.requests).to.have.length(1);
  });

  for (const method of ['POST', 'PATCH']) {
    it(`never retries a non-idempotent ${method}`, async () => {
      const server = await serve(sequence([503]));
      const { transport, waits } = make();
      const response = await transport.fetch(`${server.url}/thing`, { method, body: '{}' });
      expect(response.status).to.equal(503);
      expect(server.requests).to.have.length(1);
      expect(waits).to.deep.equal([]);
    });
  }

  it('retries idempotent PUT and DELETE', async () => {
    const server = await serve(sequence([503, 200, 503]));
    const { transport } = make();
    expect((await transport.fetch(server.url, { method: 'PUT', body: 'x' })).status).to.equal(200);
    expect((await transport.fetch(server.url, { method: 'DELETE' })).status).to.equal(200);
    expect(server.requests.map((r) => [r.method, r.body])).to.deep.equal([
      ['PUT', 'x'],
      ['PUT', 'x'],
      ['DELETE', ''],
      ['DELETE', ''],
    ]);
  });
});

describe('createTransport: server hints on when to retry', () => {
  const now = Date.UTC(2030, 0, 1, 12, 0, 0);
  const cases: {
    description: string;
    headers: Record<string, string>;
    policy?: Partial<TransportPolicy>;
    wait: number;
    note: RegExp;
  }[] = [
    { description: 'Retry-After: 1', headers: { 'retry-after': '1' }, wait: 1000, note: /Retry-After: 1\)/ },
    {
      description: 'retry-after-ms: 50',
      headers: { 'retry-after-ms': '50' },
      wait: 50,
      note: /retry-after-ms: 50/,
    },
    {
      description: 'retry-after-ms over Retry-After',
      headers: { 'retry-after-ms': '20', 'retry-after': '9' },
      wait: 20,
      note: /retry-after-ms/,
    },
    {
      description: 'Retry-After as an HTTP date',
      headers: { 'retry-after': new Date(now + 3000).toUTCString() },
      policy: { timeoutMs: 10_000 },
      wait: 3000,
      note: /Retry-After: \w{3}, /,
    },
    {
      description: 'Retry-After: 120 cut to maxRetryAfterMs',
      headers: { 'retry-after': '120' },
      policy: { maxRetryAfterMs: 5000, timeoutMs: 10_000 },
      wait: 5000,
      note: /capped at 5000 ms/,
    },
    {
      description: 'Retry-After: 60 cut to the per-attempt timeout',
      headers: { 'retry-after': '60' },
      policy: { timeoutMs: 1000 },
      wait: 1000,
      note: /capped at 1000 ms/,
    },
    {
      description: 'an unreadable Retry-After: backoff instead',
      headers: { 'retry-after': 'soon' },
      wait: 50,
      note: /50 ms backoff/,
    },
  ];
  for (const { description, headers, policy, wait, note } of cases) {
    it(`honours ${description} on a 429`, async () => {
      const server = await serve(sequence([429], [headers]));
      const { transport, waits } = make(policy, { now: () => now });
      expect((await transport.fetch(server.url)).status).to.equal(200);
      expect(waits).to.deep.equal([wait]);
      const first = transport.recorder.exchanges()[0]?.attempts[0];
      expect(first?.waitMs).to.equal(wait);
      expect(first?.error).to.match(/^HTTP 429 Too Many Requests; retrying after/);
      expect(first?.error).to.match(note);
    });
  }
});

describe('createTransport: failures', () => {
  it('times out on a server that never answers, per attempt, then fails with kind timeout', async () => {
    const server = await serve(() => {});
    const { transport, waits } = make({ timeoutMs: 80, retries: 1 });
    const error = await transportError(transport.fetch(`${server.url}/hang`));
    expect(error.kind).to.equal('timeout');
    expect(error.message).to.equal('no response within 80 ms (2 attempts)');
    expect(error.exchange.attempts.map((a) => a.error?.split(';')[0])).to.deep.equal([
      'no response within 80 ms',
      'no response within 80 ms',
    ]);
    expect(waits).to.deep.equal([50]);
    expect(server.requests).to.have.length(2);
    expect(transport.recorder.exchanges()).to.deep.equal([error.exchange]);
  });

  it('times out on a body that stops half-way, keeping what arrived', async () => {
    const server = await serve((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.write('{"id":"key_');
    });
    const { transport } = make({ timeoutMs: 80, retries: 0 });
    const error = await transportError(transport.fetch(server.url));
    expect(error.kind).to.equal('timeout');
    expect(error.message).to.equal(
      'no complete response within 80 ms (status 200 and 11 body bytes received)',
    );
    expect(error.exchange.response).to.include({ status: 200, bodyExcerpt: '{"id":"key_', bodyBytes: 11 });
    expect(error.exchange.error).to.equal(error.message);
  });

  it('retries a refused connection, then fails with kind connection naming the address', async () => {
    const port = await closedPort();
    const { transport, waits } = make({ retries: 2 });
    const error = await transportError(transport.fetch(`http://127.0.0.1:${port}/x`));
    expect(error.kind).to.equal('connection');
    expect(error.message).to.equal(`connection refused by 127.0.0.1:${port} (3 attempts)`);
    expect(error.exchange.attempts).to.have.length(3);
    expect(error.exchange.response).to.equal(undefined);
    expect(waits).to.deep.equal([50, 100]);
  });

  it('does not retry a refused POST', async () => {
    const port = await closedPort();
    const { transport } = make();
    const error = await transportError(transport.fetch(`http://127.0.0.1:${port}/x`, { method: 'POST' }));
    expect(error.message).to.equal(`connection refused by 127.0.0.1:${port}`);
    expect(error.exchange.attempts).to.have.length(1);
  });

  const resets: { description: string; handler: Handler; message: RegExp }[] = [
    {
      description: 'before answering',
      handler: (request) => request.socket.destroy(),
      message: /^connection reset by 127\.0\.0\.1:\d+ \(3 attempts\)$/,
    },
    {
      description: 'half-way through the body',
      handler: (request, response) => {
        response.writeHead(200, { 'content-length': '100' });
        response.write('{"partial":', () => setTimeout(() => request.socket.destroy(), 10));
      },
      message: /^connection (reset|closed) by 127\.0\.0\.1:\d+ .*(body|complete).* \(3 attempts\)$/,
    },
  ];
  for (const { description, handler, message } of resets) {
    it(`retries a connection reset ${description}, then fails with kind connection`, async () => {
      const server = await serve(handler);
      const { transport } = make({ retries: 2 });
      const error = await transportError(transport.fetch(server.url));
      expect(error.kind).to.equal('connection');
      expect(error.message).to.match(message);
      expect(server.requests).to.have.length(3);
      expect(error.exchange.attempts.every((a) => a.error?.startsWith('connection '))).to.equal(true);
    });
  }

  it('passes a GET that was reset once and answered the second time', async () => {
    const server = await serve((request, response, index) => {
      if (index === 0) request.socket.destroy();
      else json(response, 200, { ok: true });
    });
    const { transport } = make();
    expect((await transport.fetch(server.url)).status).to.equal(200);
    expect(transport.recorder.exchanges()[0]?.attempts.map((a) => a.status ?? 'failed')).to.deep.equal([
      'failed',
      200,
    ]);
  });

  it('rejects with the caller’s abort reason, stops, and records the abort', async () => {
    const controller = new AbortController();
    // Aborted once the server has the request, however long a loaded machine takes to send it.
    const server = await serve(() => controller.abort());
    const { transport } = make({ timeoutMs: 5_000 });
    const pending = transport.fetch(server.url, { signal: controller.signal });
    const error = (await rejection(pending)) as Error;
    expect(error).not.to.be.instanceOf(TransportError);
    expect(error.name).to.equal('AbortError');
    expect(server.requests).to.have.length(1);
    expect(transport.recorder.exchanges()[0]?.error).to.equal('aborted by the caller');
  });
});

describe('createTransport: response size cap', () => {
  it('stops reading a streamed 50 MB body at a 1 MiB cap and closes the connection', async () => {
    const cap = 1024 * 1024;
    const total = 50 * 1024 * 1024;
    const chunk = Buffer.alloc(64 * 1024, 'a');
    let written = 0;
    let closedEarly: Promise<boolean> = Promise.resolve(false);
    const server = await serve((_request, response) => {
      closedEarly = new Promise((resolve) => response.on('close', () => resolve(!response.writableFinished)));
      response.writeHead(200, { 'content-type': 'text/plain' });
      const pump = (): void => {
        while (written < total && !response.destroyed) {
          written += chunk.length;
          if (!response.write(chunk)) {
            response.once('drain', pump);
            return;
          }
        }
        if (written >= total) response.end();
      };
      pump();
    });
    const { transport } = make({ maxBodyBytes: cap });
    const error = await transportError(transport.fetch(server.url));
    expect(error.kind).to.equal('too-large');
    expect(error.message).to.equal(`response body exceeded ${cap} bytes`);
    const response = error.exchange.response;
    expect(response?.truncated).to.equal(true);
    expect(response?.bodyBytes).to.be.greaterThan(cap);
    expect(response?.bodyBytes).to.be.at.most(cap + chunk.length);
    expect(response?.bodyExcerpt).to.equal(
      `${'a'.repeat(2048 - truncationMark({ count: response?.bodyBytes ?? 0, unit: 'bytes' }).length)}${truncationMark({ count: response?.bodyBytes ?? 0, unit: 'bytes' })}`,
    );
    expect(await closedEarly, 'the server saw the connection close before the body was sent').to.equal(true);
    expect(written).to.be.lessThan(total);
    expect(error.exchange.attempts).to.have.length(1);
  });

  it('refuses a body whose Content-Length is over the cap without reading it', async () => {
    const server = await serve((_request, response) => {
      response.writeHead(200, { 'content-length': String(5_000_000) });
      response.write('x'.repeat(1000));
    });
    const { transport } = make({ maxBodyBytes: 4096 });
    const error = await transportError(transport.fetch(server.url));
    expect(error.kind).to.equal('too-large');
    expect(error.message).to.equal(
      'response body of 5000000 bytes (Content-Length) exceeds the cap of 4096 bytes',
    );
  });

  const boundaries: { size: number; cap: number; passes: boolean }[] = [
    { size: 4096, cap: 4096, passes: true },
    { size: 4097, cap: 4096, passes: false },
    { size: 0, cap: 1, passes: true },
  ];
  for (const { size, cap, passes } of boundaries) {
    it(`${passes ? 'passes' : 'fails'} a chunked body of ${size} bytes with a cap of ${cap}`, async () => {
      const server = await serve((_request, response) => {
        response.writeHead(200, { 'content-type': 'text/plain' });
        response.write('b'.repeat(Math.floor(size / 2)));
        response.end('b'.repeat(size - Math.floor(size / 2)));
      });
      const { transport } = make({ maxBodyBytes: cap });
      if (passes) {
        const response = await transport.fetch(server.url);
        expect((await response.text()).length).to.equal(size);
        expect(transport.recorder.exchanges()[0]?.response).to.include({ bodyBytes: size, truncated: false });
      } else {
        expect((await transportError(transport.fetch(server.url))).kind).to.equal('too-large');
      }
    });
  }
});

describe('createTransport: content codings', () => {
  const key = { id: 'key_abc', object: 'organization.project.api_key' };
  const text = JSON.stringify(key);
  const serveCoded = (coding: string, body: Buffer, type = 'application/json') =>
    serve((_request, response) => {
      response.writeHead(200, { 'content-type': type, 'content-encoding': coding });
      response.end(body);
    });
  const codings: [string, Buffer][] = [
    ['gzip', gzipSync(text)],
    ['x-gzip', gzipSync(text)],
    ['deflate', deflateSync(text)],
    ['deflate', deflateRawSync(text)],
    ['br', brotliCompressSync(text)],
    ['gzip, br', brotliCompressSync(gzipSync(text))],
    ['identity', Buffer.from(text)],
  ];
  for (const [coding, body] of codings) {
    it(`decodes a ${coding} body it did not ask for, and records what came and what it decoded`, async () => {
      const server = await serveCoded(coding, body);
      const { transport } = make();
      const response = await transport.fetch(server.url);
      expect(server.requests[0]?.headers['accept-encoding']).to.equal('identity');
      expect(await response.json()).to.deep.equal(key);
      if (coding !== 'identity') {
        expect(response.headers.get('content-encoding'), 'the body handed on is no longer coded').to.equal(
          null,
        );
      }
      const exchange = transport.recorder.exchanges()[0];
      expect(exchange?.response?.headers['content-encoding']).to.equal(coding);
      expect(exchange?.response?.bodyExcerpt).to.equal(text);
      expect(exchange?.response?.bodyBytes).to.equal(body.length);
      if (coding !== 'identity') {
        expect(exchange?.note).to.equal(
          `${coding}-encoded body decoded: ${body.length} bytes received, ${text.length} decoded`,
        );
      }
    });
  }

  it('fails a zip bomb at the size cap after decoding, without inflating the rest', async () => {
    const cap = 1024 * 1024;
    // 32 times the cap once decoded, from 32 KB: what the assertions need (512 MB made the test take
    // seconds to build its own bomb, and proved nothing more).
    const bomb = gzipSync(Buffer.alloc(32 * cap, ' '));
    expect(bomb.length, 'the coded body itself is under the cap').to.be.lessThan(cap);
    const server = await serveCoded('gzip', bomb);
    const { transport } = make({ maxBodyBytes: cap });
    const error = await transportError(transport.fetch(server.url));
    expect(error.kind).to.equal('too-large');
    expect(error.message).to.equal(
      `response body exceeded ${cap} bytes when its gzip coding was decoded (${bomb.length} bytes received)`,
    );
    expect(error.exchange.response?.bodyExcerpt).to.equal(
      `[gzip-encoded body of ${bomb.length} bytes not shown]`,
    );
    expect(error.exchange.attempts, 'not retried').to.have.length(1);
  });

  const failures: [string, string, Buffer, string][] = [
    [
      'a coding it cannot decode',
      'compress',
      Buffer.from(text),
      'content-encoding "compress" is not supported (the transport decodes gzip, deflate, br)',
    ],
    ['data that is not what its coding says', 'gzip', Buffer.from(text), 'gzip-encoded body does not decode'],
  ];
  for (const [label, coding, body, message] of failures) {
    it(`fails with kind protocol, saying so plainly, on ${label}`, async () => {
      const server = await serveCoded(coding, body);
      const { transport } = make();
      const error = await transportError(transport.fetch(server.url));
      expect(error.kind).to.equal('protocol');
      expect(error.message).to.contain(message);
      expect(error.message).not.to.contain('\u001f');
    });
  }
});

describe('createTransport: redirects', () => {
  it('does not follow a redirect to another origin: the other origin receives nothing', async () => {
    const other = await serve((_request, response) => json(response, 200, { stolen: true }));
    const server = await serve((_request, response) => {
      response.writeHead(302, { location: `${other.url}/collect` });
      response.end();
    });
    const { transport } = make();
    const response = await transport.fetch(`${server.url}/start`, {
      headers: { authorization: 'Bearer sk-admin-EXAMPLE' },
    });
    expect(response.status).to.equal(302);
    expect(response.headers.get('location')).to.equal(`${other.url}/collect`);
    expect(other.requests).to.have.length(0);
    const exchanges = transport.recorder.exchanges();
    expect(exchanges).to.have.length(1);
    expect(exchanges[0]?.note).to.equal(
      `redirect to ${other.url} not followed: another origin must not receive the request's credentials`,
    );
  });

  it('follows a same-origin redirect, keeping the headers, and records both hops', async () => {
    const server = await serve((request, response) => {
      if (request.url === '/old') {
        response.writeHead(301, { location: '/new?x=1' });
        response.end();
      } else json(response, 200, { at: request.url, auth: request.headers.authorization });
    });
    const { transport } = make();
    const response = await transport.fetch(`${server.url}/old`, {
      headers: { authorization: 'Bearer sk-admin-EXAMPLE' },
    });
    expect(response.status).to.equal(200);
    expect(await response.json()).to.deep.equal({ at: '/new?x=1', auth: 'Bearer sk-admin-EXAMPLE' });
    expect(response.url).to.equal(`${server.url}/new?x=1`);
    const exchanges = transport.recorder.exchanges();
    expect(exchanges.map((e) => [e.request.url, e.response?.status])).to.deep.equal([
      [`${server.url}/old`, 301],
      [`${server.url}/new?x=1`, 200],
    ]);
    expect(exchanges[0]?.note).to.equal('same-origin redirect to /new followed');
  });

  it('turns a POST answered 303 into a GET without a body', async () => {
    const server = await serve((request, response) => {
      if (request.method === 'POST') {
        response.writeHead(303, { location: '/result' });
        response.end();
      } else json(response, 200, { method: request.method });
    });
    const { transport } = make();
    const response = await transport.fetch(`${server.url}/form`, {
      method: 'POST',
      body: 'a=1',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(await response.json()).to.deep.equal({ method: 'GET' });
    expect(server.requests[1]?.headers['content-type']).to.equal(undefined);
  });

  it('returns every 3xx with redirect: manual', async () => {
    const server = await serve((_request, response) => {
      response.writeHead(307, { location: '/elsewhere' });
      response.end();
    });
    const { transport } = make();
    expect((await transport.fetch(server.url, { redirect: 'manual' })).status).to.equal(307);
    expect(server.requests).to.have.length(1);
  });

  it('fails with kind protocol after maxRedirects same-origin hops', async () => {
    const server = await serve((request, response) => {
      response.writeHead(302, { location: `${request.url}x` });
      response.end();
    });
    const { transport } = make({ maxRedirects: 3 });
    const error = await transportError(transport.fetch(`${server.url}/a`));
    expect(error.kind).to.equal('protocol');
    expect(error.message).to.equal('more than 3 redirects');
    expect(server.requests.map((r) => r.url)).to.deep.equal(['/a', '/ax', '/axx', '/axxx']);
  });
});

describe('createTransport: recorded exchanges', () => {
  /** A whole-looking admin key, made at run time so no file holds one. */
  const canary = `sk-admin-${randomBytes(30).toString('base64url')}`;

  it('never shows a secret: not in headers, URL, body excerpt or error messages', async () => {
    const server = await serve((request, response) => {
      const echoed = request.headers.authorization ?? '';
      json(
        response,
        401,
        { error: { message: `Incorrect API key provided: ${echoed}` } },
        {
          'x-echo': echoed,
          'set-cookie': `session=${canary}`,
        },
      );
    });
    // The transport is not told the secret: it learns it from the Authorization header it sends.
    const { transport } = make();
    const response = await transport.fetch(`${server.url}/k?token=${canary}`, {
      headers: { authorization: `Bearer ${canary}`, 'x-note': `key ${canary}` },
    });
    expect(await response.text(), 'the caller still gets the real body').to.include(canary);
    const port = await closedPort();
    const error = await transportError(
      transport.fetch(`http://127.0.0.1:${port}/?key=${canary}`, {
        headers: { authorization: `Bearer ${canary}` },
      }),
    );
    const recorded = JSON.stringify(transport.recorder.exchanges());
    expect(recorded).not.to.include(canary);
    expect(recorded).not.to.include(canary.slice(9));
    expect(error.message).not.to.include(canary);
    const [first] = transport.recorder.exchanges();
    expect(first?.request.headers).to.include({ authorization: '[REDACTED]', 'x-note': 'key [REDACTED]' });
    expect(first?.request.url).to.equal(`${server.url}/k?token=[REDACTED]`);
    expect(first?.response?.headers).to.include({ 'x-echo': '[REDACTED]', 'set-cookie': '[REDACTED]' });
    expect(first?.response?.bodyExcerpt).to.equal(
      '{"error":{"message":"Incorrect API key provided: [REDACTED]"}}',
    );
  });

  it('notes every place a credential it sent came back, in any form, on every hop and attempt', async () => {
    const secret = `sk-admin-${randomBytes(24).toString('hex')}`;
    const escaped = `\\u0073${secret.slice(1)}`;
    let retried = 0;
    const server = await serve((request, response) => {
      const bearer = (request.headers.authorization ?? '').replace('Bearer ', '');
      if (request.url === '/echo-status') {
        response.writeHead(401, `Bad key ${bearer}`, { 'content-type': 'text/plain' });
        response.end('no');
      } else if (request.url === '/hop') {
        response.writeHead(302, { location: `/landing?session=${Buffer.from(bearer).toString('base64')}` });
        response.end();
      } else if (request.url?.startsWith('/landing')) {
        json(response, 200, { name: 'fine' });
      } else if (request.url === '/retried') {
        if (retried++ === 0) json(response, 503, { error: { message: `overloaded for ${bearer}` } });
        else json(response, 200, { name: 'fine' });
      } else if (request.url === '/escaped') {
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(`{"name":"${escaped}"}`);
      } else {
        json(
          response,
          200,
          { name: 'clean' },
          { 'x-trace': encodeURIComponent(bearer).replace(/k/g, '%6B') },
        );
      }
    });
    const { transport } = make({ retries: 1 });
    const headers = { authorization: `Bearer ${secret}` };
    for (const path of ['/echo-status', '/hop', '/retried', '/escaped', '/clean-body'])
      await transport.fetch(`${server.url}${path}`, { headers });
    const echoes = transport.recorder
      .exchanges()
      .map((e) => [e.request.url.replace(server.url, ''), e.secretEchoes]);
    expect(echoes).to.deep.equal([
      ['/echo-status', ['status text']],
      ['/hop', ['header location']],
      [`/landing?session=[REDACTED]`, undefined],
      ['/retried', ['body']],
      ['/escaped', ['body']],
      ['/clean-body', ['header x-trace']],
    ]);
    const recorded = JSON.stringify(transport.recorder.exchanges());
    expect(recorded).not.to.include(secret.slice(9));
    expect(recorded).not.to.include(escaped.slice(2, 30));
    expect(recorded).not.to.include(Buffer.from(secret).toString('base64').slice(0, 40));
  });

  it('redacts secrets it was given even where no header carried them', async () => {
    const secret = `tok${randomBytes(12).toString('hex')}`;
    const server = await serve((_request, response) => json(response, 200, { leaked: secret }));
    const { transport } = make({}, { secrets: [secret] });
    await transport.fetch(server.url);
    expect(transport.recorder.exchanges()[0]?.response?.bodyExcerpt).to.equal('{"leaked":"[REDACTED]"}');
  });

  it('records request line, headers, status, response headers, sizes and timing', async () => {
    const body = JSON.stringify({ id: 'key_abc', pad: 'p'.repeat(3000) });
    const server = await serve((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json', 'x-request-id': 'req_1' });
      response.end(body);
    });
    let clock = Date.UTC(2030, 0, 1);
    const { transport } = make({}, { now: () => (clock += 5) });
    await transport.fetch(`${server.url}/organization/projects/proj_abc/api_keys/key_abc`, {
      headers: { accept: 'application/json' },
    });
    const [exchange] = transport.recorder.exchanges();
    expect(exchange?.id).to.equal('ex-1');
    expect(exchange?.request).to.deep.equal({
      method: 'GET',
      url: `${server.url}/organization/projects/proj_abc/api_keys/key_abc`,
      headers: { accept: 'application/json', 'accept-encoding': 'identity' },
    });
    expect(exchange?.response?.status).to.equal(200);
    expect(exchange?.response?.headers).to.include({ 'x-request-id': 'req_1' });
    expect(exchange?.response?.bodyBytes).to.equal(body.length);
    const mark = truncationMark({ count: body.length, unit: 'bytes' });
    expect(exchange?.response?.bodyExcerpt).to.equal(`${body.slice(0, 2048 - mark.length)}${mark}`);
    expect(exchange?.response?.truncated).to.equal(false);
    expect(exchange?.attempts[0]?.startedAt).to.match(/^2030-01-01T00:00:00\.\d{3}Z$/);
    expect(exchange?.attempts[0]?.durationMs).to.equal(5);
    expect(exchange?.durationMs).to.be.greaterThan(0);
  });

  it('labels exchanges with the check running them, even when checks overlap', async () => {
    const server = await serve((request, response) => {
      setTimeout(() => json(response, 200, { path: request.url }), request.url === '/slow' ? 30 : 0);
    });
    const { transport } = make();
    const { recorder } = transport;
    await Promise.all([
      recorder.withCheck('pact: a key owned by a user', () => transport.fetch(`${server.url}/slow`)),
      recorder.withCheck('schema: ProjectApiKey', () => transport.fetch(`${server.url}/fast`)),
    ]);
    await transport.fetch(`${server.url}/unlabelled`);
    expect(
      recorder.exchanges().map((e) => [e.id, e.check, e.request.url.slice(server.url.length)]),
    ).to.deep.equal([
      ['ex-1', 'schema: ProjectApiKey', '/fast'],
      ['ex-2', 'pact: a key owned by a user', '/slow'],
      ['ex-3', undefined, '/unlabelled'],
    ]);
    expect(recorder.exchangesOf('schema: ProjectApiKey').map((e) => e.id)).to.deep.equal(['ex-1']);
  });
});

describe('createTransport: fetch drop-in', () => {
  it('accepts a Request, sends its method, headers and body, and returns headers and body', async () => {
    const server = await serve((request, response) =>
      json(response, 201, { got: request.method }, { 'x-multi': ['a', 'b'] }),
    );
    const { transport } = make();
    const request = new Request(`${server.url}/p`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Trace': 't1' },
      body: JSON.stringify({ a: 1 }),
    });
    const response = await transport.fetch(request);
    expect(response.status).to.equal(201);
    expect(response.ok).to.equal(true);
    expect(response.headers.get('x-multi')).to.equal('a, b');
    expect(await response.json()).to.deep.equal({ got: 'POST' });
    expect(server.requests[0]).to.deep.include({ method: 'POST', url: '/p', body: '{"a":1}' });
    expect(server.requests[0]?.headers).to.include({ 'content-type': 'application/json', 'x-trace': 't1' });
  });

  it('returns a 204 with an empty body', async () => {
    const server = await serve((_request, response) => {
      response.writeHead(204);
      response.end();
    });
    const { transport } = make();
    const response = await transport.fetch(server.url, { method: 'DELETE' });
    expect(response.status).to.equal(204);
    expect(response.body).to.equal(null);
  });

  it('rejects a URL that is not http(s) as misuse, before any exchange', async () => {
    const { transport } = make();
    const error = (await rejection(transport.fetch('ftp://127.0.0.1/x'))) as Error;
    expect(error).to.be.instanceOf(TypeError);
    expect(error.message).to.match(/only http and https/);
    expect(transport.recorder.exchanges()).to.have.length(0);
  });
});
