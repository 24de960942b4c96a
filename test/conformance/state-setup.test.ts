import { expect } from 'chai';
import { targetStateSetup } from '../../src/conformance/run.ts';
import { EXAMPLE_PARAMS, type StateKey } from '../../src/contract/states.ts';

describe('targetStateSetup: provider states on a deployment we do not control', () => {
  const all = { projectId: 'proj_real', userKeyId: 'key_u', serviceAccountKeyId: 'key_s' };
  const setUp = (ids: Parameters<typeof targetStateSetup>[0], key: StateKey) =>
    targetStateSetup(ids)(key, EXAMPLE_PARAMS[key]);

  const cases: [string, Parameters<typeof targetStateSetup>[0], StateKey, RegExp | undefined][] = [
    ['a user key with every id given', all, 'userKey', /^proj_real key_u$/],
    ['a service-account key with every id given', all, 'serviceAccountKey', /^proj_real key_s$/],
    [
      'an unknown key: an id that cannot exist',
      all,
      'unknownKey',
      /^proj_real key_conformance_absent_[0-9a-f]{12}$/,
    ],
    ['an invalid admin key: against a real key', all, 'invalidAdminKey', /^proj_real key_u$/],
    ['a user key without its id', { projectId: 'proj_real' }, 'userKey', undefined],
    [
      'a service-account key without the project',
      { serviceAccountKeyId: 'key_s' },
      'serviceAccountKey',
      undefined,
    ],
    ['an unknown key without the project', {}, 'unknownKey', undefined],
  ];
  for (const [label, ids, key, want] of cases) {
    it(`${label}: ${want ? 'set up' : 'skipped'}`, async () => {
      const params = await setUp(ids, key);
      if (!want) expect(params).to.equal(undefined);
      else expect(`${params?.projectId} ${params?.keyId}`).to.match(want);
    });
  }

  it('never reuses the example ids of the pact on a real deployment', async () => {
    for (const key of Object.keys(EXAMPLE_PARAMS) as StateKey[]) {
      const params = await setUp(all, key);
      expect(params?.keyId).not.to.equal(EXAMPLE_PARAMS[key].keyId);
    }
  });
});
