import { execFile } from 'node:child_process';
import { expect } from 'chai';
import { CONTRACT_PATH } from '../../src/contract/pact-file.ts';
import { pactBinaryPath, pactEnvironment } from '../../src/pact/binary.ts';
import { EXAMPLE_ADMIN_KEY, PROVIDER_STATES } from '../../src/pact/provider-states.ts';
import { type FaultName, startReferenceProvider } from '../../src/provider/index.ts';
import { answerStateChange, type StateChange } from '../../src/provider/state-change.ts';
import { stateSetupFor } from '../../src/provider/state-setup.ts';
import { createStore } from '../../src/provider/store.ts';
import { seed } from '../helpers.ts';

const params = { projectId: 'proj_abc', keyId: 'key_user_abc' };

describe("the reference provider's state-change endpoint (Pact's provider-state protocol)", () => {
  describe('answers', () => {
    const cases: [string, StateChange, number, Record<string, unknown> | RegExp][] = [
      [
        'a setup: the params the state holds',
        { state: PROVIDER_STATES.userKey, params, action: 'setup' },
        200,
        params,
      ],
      [
        'a setup without action (Pact leaves it out)',
        { state: PROVIDER_STATES.unknownKey, params },
        200,
        params,
      ],
      [
        'a teardown: nothing to undo',
        { state: PROVIDER_STATES.userKey, params, action: 'teardown' },
        200,
        {},
      ],
      [
        'a state the pact does not know',
        { state: 'a unicorn exists', params, action: 'setup' },
        400,
        /unknown provider state/,
      ],
      [
        'a setup without ids',
        { state: PROVIDER_STATES.userKey, params: {}, action: 'setup' },
        400,
        /projectId and keyId/,
      ],
      [
        'an action that is neither',
        { state: PROVIDER_STATES.userKey, params, action: 'reset' },
        400,
        /unknown action/,
      ],
    ];
    for (const [label, change, status, body] of cases) {
      it(label, async () => {
        const answer = await answerStateChange(change, stateSetupFor(createStore(seed.document)));
        expect(answer.status).to.equal(status);
        if (body instanceof RegExp) expect(String(answer.body.error)).to.match(body);
        else expect(answer.body).to.deep.equal(body);
      });
    }

    it('a setup makes the state true in the store', async () => {
      const store = createStore(seed.document);
      const change = {
        state: PROVIDER_STATES.serviceAccountKey,
        params: { projectId: 'proj_x', keyId: 'key_y' },
      };
      await answerStateChange(change, stateSetupFor(store));
      expect(store.findKey('proj_x', 'key_y')?.owner.type).to.equal('service_account');
    });
  });

  describe('with the standalone pact verifier', function () {
    this.timeout(20_000);
    const verify = async (fault?: FaultName) => {
      const provider = await startReferenceProvider({
        adminKey: EXAMPLE_ADMIN_KEY,
        stateChangePath: '/_pact/state',
        ...(fault && { fault }),
      });
      const { hostname, port } = new URL(provider.url);
      try {
        return await new Promise<{ code: number; output: string }>((resolve) => {
          execFile(
            pactBinaryPath(),
            [
              'verifier',
              '--file',
              CONTRACT_PATH,
              '--hostname',
              hostname,
              '--port',
              port,
              '--state-change-url',
              `${new URL('/_pact/state', provider.url)}`,
              '--no-colour',
            ],
            { env: pactEnvironment('verifier') },
            (error, stdout, stderr) =>
              resolve({ code: error ? Number(error.code ?? 1) : 0, output: stdout + stderr }),
          );
        });
      } finally {
        await provider.close();
      }
    };

    it('sets up every state: all four interactions pass', async () => {
      const { code, output } = await verify();
      expect(code, output).to.equal(0);
      expect(output.match(/\(OK\)/g) ?? [], output).to.have.length.of.at.least(4);
    });

    it('the same verifier fails a provider that breaks the contract', async () => {
      const { code, output } = await verify('wrong-enum');
      expect(code, output).to.not.equal(0);
    });
  });
});
