import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { CONTRACT_PATH } from '../../src/contract/pact-file.ts';
import { EXAMPLE_ADMIN_KEY, PROVIDER_STATES, type StateKey } from '../../src/contract/states.ts';
import {
  type InteractionOutcome,
  injectAdminKey,
  VerificationError,
  verifyPact,
} from '../../src/contract/verify.ts';
import { LOCAL_IDS, localStateSetup, PROVIDER_ADMIN_KEY, startProvider } from './providers.ts';

const byState = (outcomes: InteractionOutcome[], key: StateKey) =>
  outcomes.find((o) => o.state === PROVIDER_STATES[key]) as InteractionOutcome;

describe('verifyPact', () => {
  const outcomes = new Map<string, InteractionOutcome[]>();
  const seen = new Map<string, string[]>();
  let output = '';
  const fetched: string[] = [];
  let refusedPort: number;

  before(async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    refusedPort = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));

    const partial = await startProvider();
    const prefixed = await startProvider({ prefix: '/v1' });
    const hanging = createServer(() => {});
    await new Promise<void>((resolve) => hanging.listen(0, '127.0.0.1', resolve));
    const runs = {
      // serviceAccountKey cannot be set up, invalidAdminKey's setup throws, the rest as usual.
      partial: verifyPact({
        pactPath: CONTRACT_PATH,
        providerBaseUrl: partial.url,
        stateSetup: (key, params) => {
          if (key === 'serviceAccountKey') return undefined;
          if (key === 'invalidAdminKey') throw new Error('no second admin key configured');
          return localStateSetup(key, params);
        },
        requestFilter: injectAdminKey(EXAMPLE_ADMIN_KEY, PROVIDER_ADMIN_KEY),
        timeoutMs: 5000,
        onOutput: (text) => {
          output = text;
        },
      }),
      prefixed: verifyPact({
        pactPath: CONTRACT_PATH,
        providerBaseUrl: `${prefixed.url}/v1/`,
        stateSetup: localStateSetup,
        requestFilter: injectAdminKey(EXAMPLE_ADMIN_KEY, PROVIDER_ADMIN_KEY),
        fetch: (input, init) => {
          fetched.push(String(input));
          return globalThis.fetch(input, init);
        },
        timeoutMs: 5000,
      }),
      hanging: verifyPact({
        pactPath: CONTRACT_PATH,
        providerBaseUrl: `http://127.0.0.1:${(hanging.address() as AddressInfo).port}`,
        stateSetup: localStateSetup,
        timeoutMs: 200,
      }),
      refused: verifyPact({
        pactPath: CONTRACT_PATH,
        providerBaseUrl: `http://127.0.0.1:${refusedPort}`,
        stateSetup: localStateSetup,
        timeoutMs: 2000,
      }),
    };
    for (const [name, run] of Object.entries(runs)) outcomes.set(name, await run);
    seen.set(
      'partial',
      partial.seen.map((s) => s.path),
    );
    await Promise.all([partial.close(), prefixed.close()]);
    hanging.closeAllConnections();
    hanging.close();
  });

  it('skips a state the setup returns undefined for, with its reason, and never sends its request', () => {
    const outcome = byState(outcomes.get('partial') ?? [], 'serviceAccountKey');
    expect(outcome).to.deep.include({ status: 'skip', findings: [] });
    expect(outcome.reason).to.match(/cannot set up "a project API key owned by a service account exists"/);
    expect(seen.get('partial')).not.to.include(
      `/organization/projects/${LOCAL_IDS.serviceAccountKey.projectId}/api_keys/${LOCAL_IDS.serviceAccountKey.keyId}`,
    );
  });

  it('fails a state whose setup throws, saying why, and never sends its request', () => {
    const outcome = byState(outcomes.get('partial') ?? [], 'invalidAdminKey');
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

  it('still verifies the interactions whose states were set up', () => {
    const partial = outcomes.get('partial') ?? [];
    expect(byState(partial, 'userKey').status).to.equal('pass');
    expect(byState(partial, 'unknownKey').status).to.equal('pass');
  });

  it("hands Pact's readable report to onOutput instead of printing it", () => {
    expect(output).to.include('Verifying a pact between');
  });

  it('fails every interaction when the provider cannot be reached', () => {
    const refused = outcomes.get('refused') ?? [];
    expect(refused.map((o) => o.status)).to.deep.equal(['fail', 'fail', 'fail', 'fail']);
    for (const outcome of refused) {
      expect(outcome.findings).to.have.length(1);
      expect(outcome.findings[0]).to.include({ keyword: 'transport', pointer: '', severity: 'error' });
      expect(outcome.findings[0]?.message).to.match(/failed: fetch failed \(.*ECONNREFUSED/);
    }
  });

  it('keeps the path prefix of the provider base URL and sends through the given fetch', () => {
    expect((outcomes.get('prefixed') ?? []).map((o) => o.status)).to.deep.equal([
      'pass',
      'pass',
      'pass',
      'pass',
    ]);
    expect(fetched).to.have.length(4);
    for (const url of fetched)
      expect(url).to.match(/^http:\/\/127\.0\.0\.1:\d+\/v1\/organization\/projects\//);
  });

  it('fails an interaction whose provider does not answer within timeoutMs, saying so', () => {
    for (const outcome of outcomes.get('hanging') ?? []) {
      expect(outcome.status).to.equal('fail');
      expect(outcome.findings).to.have.length(1);
      expect(outcome.findings[0]?.keyword).to.equal('transport');
      expect(outcome.findings[0]?.message).to.match(
        /^no response from http:\/\/127\.0\.0\.1:\d+ within 200 ms$/,
      );
    }
    expect(outcomes.get('hanging')).to.have.length(4);
  });

  it('refuses a provider base URL that is not a URL', async () => {
    try {
      await verifyPact({
        pactPath: CONTRACT_PATH,
        providerBaseUrl: 'localhost:8080',
        stateSetup: localStateSetup,
      });
      expect.fail('verifyPact accepted it');
    } catch (error) {
      expect(error).to.be.instanceOf(VerificationError);
      expect((error as Error).message).to.match(/not an http\(s\) URL: localhost:8080/);
    }
  });

  it('refuses a pact file it cannot read', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'verify-'));
    writeFileSync(join(dir, 'not-a-pact.json'), '{"consumer": {}}');
    for (const pactPath of [join(dir, 'missing.json'), join(dir, 'not-a-pact.json')]) {
      try {
        await verifyPact({ pactPath, providerBaseUrl: 'http://127.0.0.1:1', stateSetup: localStateSetup });
        expect.fail('verifyPact accepted it');
      } catch (error) {
        expect(error).to.be.instanceOf(VerificationError);
        expect((error as VerificationError).pactPath).to.equal(pactPath);
      }
    }
    rmSync(dir, { recursive: true, force: true });
  });
});
