import { EventEmitter } from 'node:events';
import { readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { expect } from 'chai';
import { BrokerError } from '../../src/broker/broker-error.ts';
import { type BrokerCredentials, secretsOf } from '../../src/broker/credentials.ts';
import { fetchPactsForVerification } from '../../src/broker/pacts-for-verification.ts';
import { runConformanceCli } from '../../src/cli/conformance.ts';
import { closedPort, type Handler, startServer, type TestServer } from '../transport/servers.ts';

// A broker that cannot be used fails at once with one line naming the broker and the cause. These play
// brokers gone wrong on loopback; the real broker's own answers are in real-broker-*.test.ts.

const TOKEN: BrokerCredentials = { kind: 'token', token: 'pact-token-CANARY-51d0' };
const BASIC: BrokerCredentials = { kind: 'basic', username: 'ci', password: 'pact-password-CANARY-0b7e' };

const json =
  (status: number, body: unknown): Handler =>
  (_request, response) => {
    response.writeHead(status, { 'content-type': 'application/hal+json' });
    response.end(JSON.stringify(body));
  };

const indexLinking = (forVerification: string) => ({
  _links: {
    'pb:provider-pacts-for-verification': {
      href: `${forVerification}/pacts/provider/{provider}/for-verification`,
      templated: true,
    },
  },
});

const failureOf = async (brokerUrl: string, credentials?: BrokerCredentials): Promise<BrokerError> => {
  try {
    await fetchPactsForVerification({
      brokerUrl,
      provider: 'openai-admin-api',
      retries: 0,
      ...(credentials && { credentials }),
    });
  } catch (error) {
    expect(error).to.be.instanceOf(BrokerError);
    return error as BrokerError;
  }
  throw new Error('expected a BrokerError');
};

const brokerPactDirs = () => readdirSync(tmpdir()).filter((name) => name.startsWith('broker-pacts-'));

describe('broker client: a broker that cannot be used', () => {
  let server: TestServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  const cases: [string, Handler, BrokerCredentials | undefined, BrokerError['problem'], RegExp][] = [
    [
      'answers 401 to a token',
      json(401, { error: 'nope' }),
      TOKEN,
      'unauthorized',
      /401 Unauthorized.*PACT_BROKER_TOKEN/,
    ],
    [
      'answers 401 to no credentials',
      json(401, {}),
      undefined,
      'unauthorized',
      /no credentials \(set PACT_BROKER_TOKEN/,
    ],
    [
      'answers 403 to basic auth',
      json(403, {}),
      BASIC,
      'forbidden',
      /403 Forbidden.*PACT_BROKER_USERNAME and PACT_BROKER_PASSWORD/,
    ],
    [
      'is a web page',
      (_q, response) => response.end('<html>hello</html>'),
      undefined,
      'not-a-broker',
      /not a Pact Broker: its index .* is not JSON/,
    ],
    [
      'is JSON without the broker links',
      json(200, { _links: { self: { href: '/' } } }),
      undefined,
      'not-a-broker',
      /no pb:provider-pacts-for-verification link/,
    ],
    ['answers 404', json(404, {}), undefined, 'not-a-broker', /not a Pact Broker: its index .* answered 404/],
    [
      'fails with 500',
      json(500, { error: 'database down' }),
      undefined,
      'unexpected',
      /answered 500 .*database down/,
    ],
  ];
  for (const [label, handler, credentials, problem, message] of cases) {
    it(`fails with one line when the broker ${label}`, async () => {
      server = await startServer(handler);
      const error = await failureOf(server.url, credentials);
      expect(error.problem).to.equal(problem);
      expect(error.message)
        .to.match(new RegExp(`^Pact Broker ${server.url}: `))
        .and.to.match(message);
      expect(error.message).not.to.include('\n');
      for (const secret of secretsOf(credentials)) expect(error.message).not.to.include(secret);
    });
  }

  it('fails with one line when nothing listens', async () => {
    const url = `http://127.0.0.1:${await closedPort()}`;
    const error = await failureOf(url, TOKEN);
    expect(error.problem).to.equal('unreachable');
    expect(error.message).to.match(new RegExp(`^Pact Broker ${url}: cannot connect \\(connection refused`));
  });

  it('says what a broker that echoes the credentials said; the console writer redacts them on the way out', async () => {
    server = await startServer((request, response) => {
      if (request.method === 'GET') return json(200, indexLinking(server?.url ?? ''))(request, response, 0);
      json(400, {
        errors: { consumerVersionSelectors: [`bad, and you sent ${request.headers.authorization}`] },
      })(request, response, 0);
    });
    const token = (TOKEN as { token: string }).token;
    const error = await failureOf(server.url, TOKEN);
    expect([error.problem, error.message]).to.deep.equal([
      'rejected',
      `Pact Broker ${server.url}: rejected the request for pacts to verify: consumerVersionSelectors: bad, and you sent Bearer ${token}`,
    ]);
    const printed: string[] = [];
    const code = await runConformanceCli(['--broker-url', server.url, '--provider-version', '1'], {
      env: { PACT_BROKER_TOKEN: token },
      io: { stdout: (t) => printed.push(t), stderr: (t) => printed.push(t) },
      signals: new EventEmitter(),
    });
    expect(code).to.equal(2);
    expect(printed.join('')).to.include('bad, and you sent [REDACTED]').and.not.include(token);
  });

  it('sends the credentials to the broker origin only, whatever its links say', async () => {
    const elsewhere = await startServer(json(200, { _embedded: { pacts: [] } }));
    try {
      server = await startServer(json(200, indexLinking(elsewhere.url)));
      const before = brokerPactDirs().length;
      const answer = await fetchPactsForVerification({
        brokerUrl: server.url,
        provider: 'p',
        credentials: TOKEN,
      });
      expect(answer.outcome).to.equal('none');
      expect(server.requests[0]?.headers.authorization).to.equal(
        `Bearer ${(TOKEN as { token: string }).token}`,
      );
      expect(elsewhere.requests).to.have.length(1);
      expect(elsewhere.requests[0]?.headers).not.to.have.property('authorization');
      expect(brokerPactDirs().length, 'no pact folder for zero pacts').to.equal(before);
    } finally {
      await elsewhere.close();
    }
  });

  it('leaves no pact files behind when a pact cannot be fetched', async () => {
    server = await startServer((request, response) => {
      const base = server?.url ?? '';
      if (request.url === '/') return json(200, indexLinking(base))(request, response, 0);
      if (request.method === 'POST') {
        return json(200, {
          _embedded: {
            pacts: [
              { _links: { self: { href: `${base}/pact/1` } } },
              { _links: { self: { href: `${base}/pact/2` } } },
            ],
          },
        })(request, response, 0);
      }
      if (request.url === '/pact/1') {
        return json(200, {
          consumer: { name: 'c' },
          provider: { name: 'openai-admin-api' },
          interactions: [],
          _links: {
            'pb:consumer-version': { name: '1', href: 'x' },
            'pb:publish-verification-results': { href: 'x' },
          },
        })(request, response, 0);
      }
      json(500, { error: 'gone' })(request, response, 0);
    });
    const before = new Set(brokerPactDirs());
    const error = await failureOf(server.url);
    expect(error.message).to.match(/answered 500 for a pact/);
    expect(brokerPactDirs().filter((name) => !before.has(name))).to.deep.equal([]);
  });
});
