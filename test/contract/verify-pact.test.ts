import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { type LoadedPact, loadPacts } from '../../src/contract/pact.ts';
import { CONTRACT_PATH } from '../../src/contract/pact-file.ts';
import { runVerifier, verifierEnvironment } from '../../src/contract/verifier.ts';
import {
  forwardableHeaders,
  type InteractionOutcome,
  type PactVerification,
  verifyPact,
} from '../../src/contract/verify-pact.ts';
import { retrieveOperationOf } from '../../src/openapi/operation.ts';
import { PROVIDER_STATES, type StateKey } from '../../src/pact/provider-states.ts';
import { seed } from '../helpers.ts';
import { startServer, type TestServer } from '../transport/servers.ts';
import { pactFrom, stateOfInteraction, stateOfRequest } from './pacts.ts';
import { LOCAL_IDS, localStateSetup, localTarget, PROVIDER_ADMIN_KEY, startProvider } from './providers.ts';

const committed = loadPacts([{ path: CONTRACT_PATH }])[0] as LoadedPact;
const byState = (outcomes: InteractionOutcome[], key: StateKey) =>
  outcomes.find((o) => o.state === PROVIDER_STATES[key]) as InteractionOutcome;
const keyPath = (projectId: string, keyId: string) => `/organization/projects/${projectId}/api_keys/${keyId}`;

describe('verifyPact: the static verifier behind a gateway', () => {
  const runs = new Map<string, PactVerification>();
  const seen = new Map<string, string[]>();
  const scratch = mkdtempSync(join(tmpdir(), 'verify-'));
  let refusedPort: number;
  const labelled = new Map<string, string[]>();

  before(async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    refusedPort = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));

    // A pact whose user-key request is not the operation's path, plus an interaction without a state.
    const tampered = JSON.parse(readFileSync(CONTRACT_PATH, 'utf8'));
    const user = tampered.interactions.find(
      (i: { providerStates: { name: string }[] }) => i.providerStates[0]?.name === PROVIDER_STATES.userKey,
    );
    delete user.request.generators;
    user.request.path = '/organization/admin';
    tampered.interactions.push({
      ...structuredClone(user),
      description: 'a request in no state',
      providerStates: [],
    });
    const tamperedPath = join(scratch, 'tampered.json');
    writeFileSync(tamperedPath, JSON.stringify(tampered));

    const partial = await startProvider();
    const prefixed = await startProvider({ prefix: '/v1' });
    const tamperedProvider = await startProvider();
    const hostile = await startProvider();
    const dots = await startProvider();
    const hanging = createServer(() => {});
    await new Promise<void>((resolve) => hanging.listen(0, '127.0.0.1', resolve));
    const hostileIds: Record<StateKey, string> = {
      userKey: 'key_x/../../../../admin',
      serviceAccountKey: 'key_?admin=1',
      unknownKey: 'key_#frag',
      invalidAdminKey: 'key_x%2F..%2Fadmin',
      projectKeys: 'key_x/../list',
    };
    const prefixedTarget = localTarget(`${prefixed.url}/v1/`);
    const verifications = {
      // serviceAccountKey cannot be set up, invalidAdminKey's setup throws, the rest as usual.
      partial: verifyPact(
        committed,
        localTarget(partial.url, {
          stateSetup: (key, params) => {
            if (key === 'serviceAccountKey') return undefined;
            if (key === 'invalidAdminKey') throw new Error('no second admin key configured');
            return localStateSetup(key, params);
          },
        }),
        { requestTimeoutMs: 5000 },
      ),
      prefixed: verifyPact(committed, prefixedTarget, { requestTimeoutMs: 5000 }),
      hostile: verifyPact(
        committed,
        localTarget(hostile.url, {
          stateSetup: (key) => ({ projectId: 'proj_local', keyId: hostileIds[key] }),
        }),
        { requestTimeoutMs: 5000 },
      ),
      dots: verifyPact(
        committed,
        localTarget(dots.url, { stateSetup: () => ({ projectId: 'proj_local', keyId: '..' }) }),
        { requestTimeoutMs: 5000 },
      ),
      tampered: verifyPact(
        loadPacts([{ path: tamperedPath }])[0] as LoadedPact,
        localTarget(tamperedProvider.url),
        {
          requestTimeoutMs: 5000,
        },
      ),
      hanging: verifyPact(
        committed,
        localTarget(
          `http://127.0.0.1:${(hanging.address() as AddressInfo).port}/base`,
          {},
          { timeoutMs: 200 },
        ),
        { requestTimeoutMs: 5000 },
      ),
      refused: verifyPact(committed, localTarget(`http://127.0.0.1:${refusedPort}/v1`), {
        requestTimeoutMs: 5000,
      }),
    };
    for (const [name, verification] of Object.entries(verifications)) runs.set(name, await verification);
    for (const [name, provider] of Object.entries({ partial, hostile, dots, tampered: tamperedProvider }))
      seen.set(
        name,
        provider.seen.map((s) => s.path),
      );
    labelled.set(
      'prefixed',
      prefixedTarget.transport.recorder.exchanges().map((e) => `${e.check} ${e.request.url}`),
    );
    await Promise.all([
      partial.close(),
      prefixed.close(),
      tamperedProvider.close(),
      hostile.close(),
      dots.close(),
    ]);
    hanging.closeAllConnections();
    hanging.close();
  });
  after(() => rmSync(scratch, { recursive: true, force: true }));

  const outcomes = (name: string) => runs.get(name)?.outcomes ?? [];

  it('skips a state the setup returns undefined for, with its reason, and never sends its request', () => {
    const outcome = byState(outcomes('partial'), 'serviceAccountKey');
    expect(outcome).to.deep.include({ status: 'skip', findings: [] });
    expect(outcome.reason).to.match(/cannot set up "a project API key owned by a service account exists"/);
    expect(seen.get('partial')).not.to.include(
      keyPath(LOCAL_IDS.serviceAccountKey.projectId, LOCAL_IDS.serviceAccountKey.keyId),
    );
  });

  it('fails a state whose setup throws, saying why, and never sends its request', () => {
    const outcome = byState(outcomes('partial'), 'invalidAdminKey');
    expect(outcome.status).to.equal('fail');
    expect(outcome.findings).to.deep.equal([
      {
        pointer: '',
        keyword: 'state',
        severity: 'error',
        message: 'setting up "the admin key sent is not valid" failed: no second admin key configured',
      },
    ]);
    expect(seen.get('partial')).to.have.length(2);
  });

  it('still verifies the interactions whose states were set up, and keeps what each request got', () => {
    expect(byState(outcomes('partial'), 'userKey').status).to.equal('pass');
    expect(byState(outcomes('partial'), 'unknownKey').status).to.equal('pass');
    const exchanges = runs.get('partial')?.exchanges;
    expect([...(exchanges?.keys() ?? [])]).to.have.members(['userKey', 'unknownKey']);
    const user = exchanges?.get('userKey');
    expect(user?.params).to.deep.equal(LOCAL_IDS.userKey);
    expect(user?.answer).to.include({ kind: 'response', status: 200 });
    expect(exchanges?.get('unknownKey')?.answer).to.include({ kind: 'response', status: 404 });
  });

  it('sends every id as one percent-encoded segment: no climbing out, no query, no fragment', () => {
    expect(outcomes('hostile').map((o) => o.status)).to.have.length(4);
    expect(seen.get('hostile')).to.have.members([
      keyPath('proj_local', 'key_x%2F..%2F..%2F..%2F..%2Fadmin'),
      keyPath('proj_local', 'key_%3Fadmin%3D1'),
      keyPath('proj_local', 'key_%23frag'),
      keyPath('proj_local', 'key_x%252F..%252Fadmin'),
    ]);
  });

  it('fails a state whose id no path segment can carry (..), and sends nothing', () => {
    for (const outcome of outcomes('dots')) {
      expect(outcome.status).to.equal('fail');
      expect(outcome.findings[0]).to.include({ keyword: 'state' });
      expect(outcome.findings[0]?.message).to.match(/key_id cannot be "\.\."/);
    }
    expect(seen.get('dots')).to.deep.equal([]);
  });

  it("fails, without sending it, a request that is not the one its state's interaction needs", () => {
    const tampered = outcomes('tampered');
    const user = byState(tampered, 'userKey');
    expect(user.status).to.equal('fail');
    expect(user.findings[0]).to.include({ keyword: 'request', severity: 'error' });
    expect(user.findings[0]?.message).to.match(/GET \/organization\/admin\) is not the one .* not sent/);
    expect(seen.get('tampered')).not.to.include('/organization/admin');
    expect(seen.get('tampered')).to.have.length(3);
  });

  it('skips an interaction that names no provider state: the run has no ids for it', () => {
    const none = outcomes('tampered').find((o) => o.description === 'a request in no state');
    expect(none).to.deep.include({ status: 'skip', state: undefined });
    expect(none?.reason).to.match(/names no provider state/);
  });

  it('fails every interaction when the target cannot be reached, naming the URL with its base path', () => {
    const refused = outcomes('refused');
    expect(refused.map((o) => o.status)).to.deep.equal(['fail', 'fail', 'fail', 'fail']);
    for (const outcome of refused) {
      expect(outcome.findings).to.have.length(1);
      expect(outcome.findings[0]).to.include({ keyword: 'transport', pointer: '', severity: 'error' });
      expect(outcome.findings[0]?.message).to.match(
        new RegExp(
          `^request to http://127\\.0\\.0\\.1:${refusedPort}/v1/organization/projects/.* failed: connection refused`,
        ),
      );
    }
  });

  it('keeps the path prefix of the base URL and sends through the transport, labelled by state', () => {
    expect(outcomes('prefixed').map((o) => o.status)).to.deep.equal(['pass', 'pass', 'pass', 'pass']);
    const sent = labelled.get('prefixed') ?? [];
    expect(sent).to.have.length(4);
    for (const line of sent)
      expect(line).to.match(/^pact:\w+ http:\/\/127\.0\.0\.1:\d+\/v1\/organization\/projects\//);
  });

  it("fails an interaction whose target does not answer within the policy's timeout, saying so", () => {
    for (const outcome of outcomes('hanging')) {
      expect(outcome.status).to.equal('fail');
      expect(outcome.findings).to.have.length(1);
      expect(outcome.findings[0]?.keyword).to.equal('transport');
      expect(outcome.findings[0]?.message).to.match(
        /^request to http:\/\/127\.0\.0\.1:\d+\/base\/organization\/\S+ failed: no response within 200 ms$/,
      );
    }
    expect(outcomes('hanging')).to.have.length(4);
  });

  (process.platform === 'linux' ? it : it.skip)(
    'stops a verifier with every process it started: its process group is killed',
    async () => {
      // A stand-in for the binary that leaves a grandchild (`sleep`) behind, as a plugin would.
      const pidFile = join(scratch, 'grandchild.pid');
      const standIn = join(scratch, 'pact-with-a-child');
      writeFileSync(
        standIn,
        `#!/bin/sh\nsleep 60 & echo $! > ${pidFile}.tmp; mv ${pidFile}.tmp ${pidFile}; sleep 60\n`,
      );
      chmodSync(standIn, 0o755);
      const controller = new AbortController();
      const stopped = runVerifier({
        pactPath: CONTRACT_PATH,
        port: refusedPort,
        stateChangeUrl: `http://127.0.0.1:${refusedPort}/state`,
        header: { name: 'x-test', value: 'test' },
        requestTimeoutMs: 1000,
        signal: controller.signal,
        binary: standIn,
      }).catch((error: Error) => error.message);
      while (!existsSync(pidFile)) await new Promise((resolve) => setTimeout(resolve, 10));
      const grandchild = Number(readFileSync(pidFile, 'utf8'));
      controller.abort(new Error('stop now'));
      expect(await stopped).to.equal('stop now');
      // Killed, it is gone (or a zombie) at once; left running, it sleeps for a minute.
      const running = () => {
        try {
          return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${grandchild}/stat`, 'utf8'));
        } catch {
          return false;
        }
      };
      for (let waited = 0; running() && waited < 5000; waited += 10) {
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      const left = running();
      if (left) process.kill(grandchild, 'SIGKILL');
      expect(left, `grandchild ${grandchild} still running`).to.equal(false);
    },
  );

  it('stops a verifier asked to stop as it starts: it never runs on unheard', async () => {
    const controller = new AbortController();
    const running = runVerifier({
      pactPath: CONTRACT_PATH,
      port: refusedPort,
      stateChangeUrl: `http://127.0.0.1:${refusedPort}/state`,
      header: { name: 'x-test', value: 'test' },
      requestTimeoutMs: 1000,
      signal: controller.signal,
    });
    controller.abort(new Error('stopped as it started'));
    const outcome = await running.then(
      () => 'finished',
      (error: Error) => error.message,
    );
    expect(outcome).to.equal('stopped as it started');
  });

  it("runs the verifier with a trust store that holds nothing, whatever the caller's: it speaks plain HTTP to the gateway only", () => {
    const saved = { file: process.env.SSL_CERT_FILE, dir: process.env.SSL_CERT_DIR };
    process.env.SSL_CERT_FILE = '/etc/ssl/certs/ca-certificates.crt';
    process.env.SSL_CERT_DIR = '/etc/ssl/certs';
    try {
      const env = verifierEnvironment({ file: '/run/x/no-roots/none.pem', dir: '/run/x/no-roots' });
      expect(env.SSL_CERT_FILE).to.equal('/run/x/no-roots/none.pem');
      expect(env.SSL_CERT_DIR).to.equal('/run/x/no-roots');
      expect(env.PACT_DO_NOT_TRACK).to.equal('true');
      expect(Object.keys(env).sort()).to.deep.equal(
        ['HOME', 'PACT_DO_NOT_TRACK', 'PATH', 'SSL_CERT_DIR', 'SSL_CERT_FILE'].filter(
          (name) => name !== 'HOME' || process.env.HOME !== undefined,
        ),
      );
    } finally {
      for (const [name, value] of [
        ['SSL_CERT_FILE', saved.file],
        ['SSL_CERT_DIR', saved.dir],
      ] as const) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    }
  });
});

describe('verifyPact: the verifier never leaves the transport policy', function () {
  this.timeout(20_000);
  let other: TestServer;
  let provider: TestServer;
  let streamed = 0;
  beforeEach(async () => {
    streamed = 0;
    other = await startServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end('{}');
    });
  });
  afterEach(async () => {
    await Promise.all([other.close(), provider.close()]);
  });

  const redirecting = (to: (path: string) => string) =>
    startServer((request, response) => {
      if (request.url?.startsWith('/moved')) {
        response.writeHead(200, { 'content-type': 'text/html' });
        response.end('<html>sign in</html>');
        return;
      }
      response.writeHead(302, { location: to(request.url ?? '/') });
      response.end();
    });

  it('a cross-origin redirect: not followed by anyone, the verifier sees the 302, the other origin nothing', async () => {
    provider = await redirecting((path) => `${other.url}${path}`);
    const target = localTarget(provider.url);
    const { outcomes, exchanges } = await verifyPact(committed, target, { requestTimeoutMs: 5000 });
    expect(other.requests, 'requests that reached the other origin').to.deep.equal([]);
    for (const outcome of outcomes.filter((o) => o.state !== PROVIDER_STATES.unknownKey)) {
      expect(outcome.status).to.equal('fail');
      expect(outcome.findings[0]?.message).to.match(/^status: expected \d+, got 302$/);
    }
    expect(exchanges.get('userKey')?.answer).to.include({ status: 302 });
    expect(target.transport.recorder.exchanges()).to.have.length(provider.requests.length);
  });

  it('a same-origin redirect: followed by the policy only, each hop recorded, Location never relayed', async () => {
    provider = await redirecting((path) => `/moved${path}`);
    const target = localTarget(provider.url);
    const { outcomes, exchanges } = await verifyPact(committed, target, { requestTimeoutMs: 5000 });
    expect(outcomes.map((o) => o.status)).to.deep.equal(['fail', 'fail', 'fail', 'fail']);
    expect(exchanges.get('userKey')?.answer).to.include({ status: 200 });
    const recorded = target.transport.recorder.exchanges();
    expect(recorded).to.have.length(8);
    expect(provider.requests).to.have.length(8);
    expect(recorded.filter((e) => e.response?.status === 302)).to.have.length(4);
    expect(recorded.every((e) => e.request.headers.authorization === '[REDACTED]')).to.equal(true);
  });

  it('an endless body: the cap holds, the interaction fails on it, the exchange is recorded', async () => {
    provider = await startServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      const chunk = Buffer.alloc(16 * 1024, ' ');
      const pump = () => {
        while (!response.destroyed && streamed < 64 * 1024 * 1024) {
          streamed += chunk.length;
          if (!response.write(chunk)) return void response.once('drain', pump);
        }
      };
      pump();
    });
    const target = localTarget(provider.url, {}, { maxBodyBytes: 64 * 1024 });
    const { outcomes } = await verifyPact(committed, target, { requestTimeoutMs: 5000 });
    for (const outcome of outcomes) {
      expect(outcome.status).to.equal('fail');
      expect(outcome.findings[0]?.message).to.match(/failed: response body exceeded 65536 bytes/);
    }
    expect(streamed / provider.requests.length, 'bytes written per request').to.be.lessThan(8 * 1024 * 1024);
    expect(target.transport.recorder.exchanges()).to.have.length(4);
    expect(target.transport.recorder.exchanges().every((e) => e.response?.truncated)).to.equal(true);
  });
});

describe('verifyPact: credentials', () => {
  it('uses the admin key only where the pact shows the placeholder', async () => {
    const provider = await startProvider();
    try {
      const { outcomes } = await verifyPact(committed, localTarget(provider.url), { requestTimeoutMs: 5000 });
      expect(outcomes.map((o) => o.status)).to.deep.equal(['pass', 'pass', 'pass', 'pass']);
      const bearers = provider.seen.map((s) => s.authorization);
      expect(bearers.filter((b) => b === `Bearer ${PROVIDER_ADMIN_KEY}`)).to.have.length(3);
    } finally {
      await provider.close();
    }
  });
});

describe('verifyPact: one request per provider state, however many interactions name it', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'verify-bound-'));
  after(() => rmSync(scratch, { recursive: true, force: true }));

  it("judges a state's later interactions against the answer its one request got, not a new request", async () => {
    // Each state twice; the user key's second copy expects a 404 the target would never give that key.
    const pact = pactFrom(scratch, 'twice', (json) => {
      json.interactions = json.interactions.flatMap((interaction) => {
        const again = structuredClone(interaction);
        again.description = `${interaction.description}, again`;
        if (stateOfInteraction(interaction) === 'userKey') {
          again.response.status = 404;
          delete again.response.body;
          delete again.response.matchingRules;
        }
        return [interaction, again];
      });
    });
    const provider = await startProvider();
    try {
      const { outcomes } = await verifyPact(pact, localTarget(provider.url), { requestTimeoutMs: 5000 });
      expect(provider.seen.map(stateOfRequest), 'one request per state').to.have.members([
        LOCAL_IDS.userKey.keyId,
        LOCAL_IDS.serviceAccountKey.keyId,
        LOCAL_IDS.unknownKey.keyId,
        'invalidAdminKey',
      ]);
      const wrong = outcomes.filter((o) => o.status !== 'pass');
      expect(wrong.map((o) => o.description)).to.deep.equal([
        `${outcomes.find((o) => o.state === PROVIDER_STATES.userKey)?.description}, again`,
      ]);
      expect(wrong[0]?.findings[0]?.message).to.equal('status: expected 404, got 200');
      expect(outcomes.filter((o) => o.status === 'pass')).to.have.length(7);
    } finally {
      await provider.close();
    }
  });

  it('never sends a second, different request for a state: its interactions fail, saying why', async () => {
    // The user key's second copy asks with another bearer: a request the state's one request was not.
    const pact = pactFrom(scratch, 'other-bearer', (json) => {
      json.interactions = json.interactions.flatMap((interaction) => {
        if (stateOfInteraction(interaction) !== 'userKey') return [interaction];
        const again = structuredClone(interaction);
        again.description = `${interaction.description}, again`;
        again.request.headers.Authorization = ['Bearer sk-admin-OTHER-EXAMPLE'];
        return [interaction, again];
      });
    });
    const provider = await startProvider();
    try {
      const { outcomes } = await verifyPact(pact, localTarget(provider.url), { requestTimeoutMs: 5000 });
      expect(provider.seen.map((s) => s.authorization)).to.not.include('Bearer sk-admin-OTHER-EXAMPLE');
      expect(provider.seen).to.have.length(4);
      const user = outcomes.filter((o) => o.state === PROVIDER_STATES.userKey);
      expect(user.map((o) => [o.status, o.findings[0]?.keyword])).to.deep.equal([
        ['fail', 'request'],
        ['fail', 'request'],
      ]);
      expect(user[0]?.findings[0]?.message).to.equal(
        `a second request for "${PROVIDER_STATES.userKey}" with other headers than its first: one request per state, not sent`,
      );
    } finally {
      await provider.close();
    }
  });

  it("never sends an interaction whose method is not the operation's, on the right path or not", async () => {
    const methods: Partial<Record<StateKey, string>> = { userKey: 'DELETE', serviceAccountKey: 'POST' };
    const pact = pactFrom(scratch, 'methods', (json) => {
      for (const interaction of json.interactions) {
        const method = methods[stateOfInteraction(interaction)];
        if (method) interaction.request.method = method;
      }
    });
    const provider = await startProvider();
    try {
      const { outcomes, exchanges } = await verifyPact(pact, localTarget(provider.url), {
        requestTimeoutMs: 5000,
      });
      for (const [key, method] of Object.entries(methods)) {
        const outcome = byState(outcomes, key as StateKey);
        expect(outcome.status).to.equal('fail');
        expect(outcome.findings).to.have.length(1);
        expect(outcome.findings[0]).to.include({ keyword: 'request', severity: 'error' });
        expect(outcome.findings[0]?.message).to.match(
          new RegExp(
            `^the pact's request \\(${method} /organization/projects/.*\\) is not the one .* not sent$`,
          ),
        );
        expect(exchanges.has(key as StateKey)).to.equal(false);
      }
      // Only the two GET states reached the target, both as GET.
      expect(provider.seen.map((s) => [s.method, stateOfRequest(s)])).to.have.deep.members([
        ['GET', LOCAL_IDS.unknownKey.keyId],
        ['GET', 'invalidAdminKey'],
      ]);
    } finally {
      await provider.close();
    }
  });
});
describe('forwardableHeaders: what the gateway sends on', () => {
  const cases: [string, string[], string[]][] = [
    [
      'Accept always, and what the document describes',
      ['authorization', 'openai-organization'],
      ['accept', 'authorization', 'openai-organization'],
    ],
    [
      'never a method override, a cookie or a proxy credential, even when described',
      ['x-http-method-override', 'x-http-method', 'x-method-override', 'cookie', 'proxy-authorization'],
      ['accept'],
    ],
    [
      'never framing, codings or the gateway header',
      ['host', 'content-length', 'transfer-encoding', 'accept-encoding', 'x-conformance-gateway'],
      ['accept'],
    ],
  ];
  for (const [label, described, want] of cases) {
    it(label, () => {
      expect([...forwardableHeaders({ headers: described })].sort()).to.deep.equal(want);
    });
  }
});

describe('verifyPact: request headers', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'verify-headers-'));
  after(() => rmSync(scratch, { recursive: true, force: true }));
  /** Headers a pact may ask for that must never reach the target with the admin key; placeholder values. */
  const HOSTILE: Record<string, string> = {
    'X-HTTP-Method-Override': 'DELETE',
    'OpenAI-Organization': 'org-EXAMPLE',
    'OpenAI-Project': 'proj_EXAMPLE',
    Cookie: 'session=EXAMPLE',
    'Proxy-Authorization': 'Basic EXAMPLE',
  };
  const withHostileHeaders = () =>
    pactFrom(scratch, 'headers', (json) => {
      for (const interaction of json.interactions) {
        if (stateOfInteraction(interaction) !== 'userKey') continue;
        for (const [name, value] of Object.entries(HOSTILE)) interaction.request.headers[name] = [value];
      }
    });
  const userKeyIndex = (pact: LoadedPact) =>
    pact.interactions.findIndex((i) => i.state === PROVIDER_STATES.userKey);

  it('sends only Accept and the Authorization the gateway sets; each header left out is a note at its place in the pact', async () => {
    const pact = withHostileHeaders();
    const provider = await startProvider();
    try {
      const { outcomes } = await verifyPact(pact, localTarget(provider.url), { requestTimeoutMs: 5000 });
      const user = provider.seen.find((s) => stateOfRequest(s) === LOCAL_IDS.userKey.keyId);
      expect(user?.headers).to.include({
        accept: 'application/json',
        authorization: `Bearer ${PROVIDER_ADMIN_KEY}`,
      });
      for (const seen of provider.seen) {
        expect(Object.keys(seen.headers), `headers of ${seen.path}`).to.not.include.any.members(
          Object.keys(HOSTILE).map((name) => name.toLowerCase()),
        );
      }
      const outcome = byState(outcomes, 'userKey');
      expect(outcome.status).to.equal('note');
      const index = userKeyIndex(pact);
      expect(outcome.findings.map((f) => [f.pointer, f.severity, f.keyword])).to.deep.equal(
        Object.keys(HOSTILE).map((name) => [
          `/interactions/${index}/request/headers/${name}`,
          'note',
          'requestHeader',
        ]),
      );
      for (const [finding, name] of outcome.findings.map((f, n) => [f, Object.keys(HOSTILE)[n]] as const))
        expect(finding.message).to.match(
          new RegExp(`^request header ${name} is (never|not) sent to the target`),
        );
      expect(outcomes.filter((o) => o !== outcome).map((o) => [o.status, o.findings])).to.deep.equal(
        Array(3).fill(['pass', []]),
      );
    } finally {
      await provider.close();
    }
  });

  it('sends a header the document describes for the operation, never a method override it describes', async () => {
    const pact = withHostileHeaders();
    const operation = retrieveOperationOf(seed.document);
    const provider = await startProvider();
    try {
      const { outcomes } = await verifyPact(
        pact,
        localTarget(provider.url, {
          operation: {
            ...operation,
            headers: [...operation.headers, 'openai-organization', 'x-http-method-override'],
          },
        }),
        { requestTimeoutMs: 5000 },
      );
      const user = provider.seen.find((s) => stateOfRequest(s) === LOCAL_IDS.userKey.keyId);
      expect(user?.headers).to.include({ 'openai-organization': 'org-EXAMPLE' });
      expect(user?.headers).to.not.have.property('x-http-method-override');
      const pointers = byState(outcomes, 'userKey').findings.map((f) => f.pointer.split('/').pop());
      expect(pointers).to.deep.equal([
        'X-HTTP-Method-Override',
        'OpenAI-Project',
        'Cookie',
        'Proxy-Authorization',
      ]);
    } finally {
      await provider.close();
    }
  });
});
