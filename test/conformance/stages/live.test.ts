import { expect } from 'chai';
import { CheckCollector } from '../../../src/conformance/collector.ts';
import type { LiveOutcome } from '../../../src/conformance/live-checks.ts';
import { ownerKinds } from '../../../src/conformance/semantic.ts';
import { checksOfState, LIVE_STATES, liveStage } from '../../../src/conformance/stages/live.ts';
import { SKIP_REASONS } from '../../../src/conformance/target.ts';
import type { StateAnswer, StateExchange } from '../../../src/contract/verify-pact.ts';
import { sampleOfComponent } from '../../../src/openapi/sample.ts';
import { validatorsFor } from '../../../src/openapi/validators.ts';
import type { StateKey, StateParams } from '../../../src/pact/provider-states.ts';
import { drop, edited, seed } from '../../helpers.ts';

const ids: Partial<Record<StateKey, StateParams>> = {
  userKey: { projectId: 'proj_a', keyId: 'key_user' },
  unknownKey: { projectId: 'proj_a', keyId: 'key_Zq8rT2mWn5Xp1LbK' },
  invalidAdminKey: { projectId: 'proj_a', keyId: 'key_user' },
};
const leaked = `sk-proj-${'Lk9'.repeat(15)}`;
const userKey = edited(
  sampleOfComponent('ProjectApiKey', seed.document),
  ['/owner/type', 'user'],
  ['/owner/service_account', drop],
  ['/id', 'key_user'],
  ['/redacted_value', leaked],
);
const answer = (status: number, body: unknown): StateAnswer => ({
  kind: 'response',
  url: 'http://t/v1/x',
  status,
  statusText: '',
  headers: { 'content-type': 'application/json' },
  text: JSON.stringify(body),
});

describe('stage 4, live checks', () => {
  const requested: string[] = [];
  const collector = new CheckCollector();
  let leakedKeys: string[] = [];

  before(async () => {
    const verified = new Map<StateKey, StateExchange>([
      ['userKey', { key: 'userKey', params: ids.userKey as StateParams, answer: answer(200, userKey) }],
      [
        'unknownKey',
        {
          key: 'unknownKey',
          params: ids.unknownKey as StateParams,
          answer: answer(404, { error: { message: 'no', type: 'invalid_request_error' } }),
        },
      ],
    ]);
    leakedKeys = await liveStage({
      pact: { id: 'web' },
      exchanges: verified,
      stateSetup: (key) => ids[key],
      request: async (key, _params, label) => {
        requested.push(`${key} ${label}`);
        return answer(401, { error: { message: 'bad key', type: 'invalid_request_error' } });
      },
      recorder: { exchangesOf: () => [] },
      context: {
        validators: validatorsFor(seed.document),
        ownerKinds: ownerKinds(seed.document),
        strict: false,
      },
      collector,
    });
  });

  it('judges the answers the verifier’s requests got, and requests only the states no interaction exercised', () => {
    expect(requested).to.deep.equal(['invalidAdminKey web: invalidAdminKey']);
  });

  it('skips, with the flag to give, a state the target has no ids for, without a request', () => {
    const skipped = collector.checks.filter((c) => c.status === 'skip');
    expect(skipped.map((c) => [c.name, c.skipReason])).to.deep.equal([
      ['key owned by a service account: live request', SKIP_REASONS.serviceAccountKey],
    ]);
  });

  it('names the pact on every check', () => {
    expect(collector.checks.every((c) => c.pact === 'web')).to.equal(true);
    expect(collector.checks.map((c) => c.category)).to.include.members(['schema', 'semantic', 'security']);
  });

  it('returns a whole key left in redacted_value, so the result redacts it', () => {
    expect(leakedKeys).to.deep.equal([leaked]);
    const security = collector.checks.find((c) => c.category === 'security' && c.name.includes('user'));
    expect(security?.status).to.equal('fail');
  });
});

describe('checks of a state with no response', () => {
  const context = {
    validators: validatorsFor(seed.document),
    ownerKinds: ownerKinds(seed.document),
    strict: false,
  };
  const params = { projectId: 'proj_a', keyId: 'key_user' };
  const outcomes: [string, LiveOutcome][] = [
    [
      'refused',
      { kind: 'failure', message: 'connection refused', attempts: 3, exchangeIds: ['e1'], echoes: [] },
    ],
    [
      'timed out',
      { kind: 'failure', message: 'no response within 200 ms', attempts: 1, exchangeIds: [], echoes: [] },
    ],
  ];
  // The states with live checks: the list's state is judged by its pact interaction and by the list's checks.
  for (const key of LIVE_STATES) {
    for (const [description, outcome] of outcomes) {
      it(`${key}, ${description}: every check is skipped (with a reason) or failed, none passed`, () => {
        const checks = checksOfState(key, params, outcome, context);
        expect(checks).to.not.have.length(0);
        for (const check of checks) {
          expect(check.status, check.name).to.be.oneOf(['skip', 'fail']);
          if (check.status === 'skip') expect(check.skipReason, check.name).to.equal('no response to check');
        }
      });
    }
  }

  it('a credential echoed on the way still fails the security check, response or not', () => {
    const echoed: LiveOutcome = {
      kind: 'failure',
      message: 'no response within 200 ms',
      attempts: 2,
      exchangeIds: ['e1'],
      echoes: ['header location'],
    };
    const security = checksOfState('unknownKey', params, echoed, context).find(
      (c) => c.category === 'security',
    );
    expect(security?.status).to.equal('fail');
  });
});
