import { expect } from 'chai';
import { targetStateSetup } from '../../src/conformance/target.ts';
import { EXAMPLE_PARAMS, type StateKey } from '../../src/pact/provider-states.ts';

describe('targetStateSetup: provider states on a deployment we do not control', () => {
  const all = { projectId: 'proj_real', userKeyId: 'key_u', serviceAccountKeyId: 'key_s' };
  const probes = { unknownKeyId: 'key_Zq8rT2mWn5Xp1LbK' };
  const setUp = (ids: Parameters<typeof targetStateSetup>[0], key: StateKey) =>
    targetStateSetup(ids, probes)(key, EXAMPLE_PARAMS[key]);

  const cases: [string, Parameters<typeof targetStateSetup>[0], StateKey, string | undefined][] = [
    ['a user key with every id given', all, 'userKey', 'proj_real key_u'],
    ['a service-account key with every id given', all, 'serviceAccountKey', 'proj_real key_s'],
    ['an unknown key: the run’s probe id', all, 'unknownKey', `proj_real ${probes.unknownKeyId}`],
    ['an invalid admin key: against a real key', all, 'invalidAdminKey', 'proj_real key_u'],
    [
      'an invalid admin key with no key id: against the probe id',
      { projectId: 'proj_real' },
      'invalidAdminKey',
      `proj_real ${probes.unknownKeyId}`,
    ],
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
      expect(params && `${params.projectId} ${params.keyId}`).to.equal(want);
    });
  }

  it('never reuses the example ids of the pact on a real deployment', async () => {
    for (const key of Object.keys(EXAMPLE_PARAMS) as StateKey[]) {
      const params = await setUp(all, key);
      expect(params?.keyId).not.to.equal(EXAMPLE_PARAMS[key].keyId);
    }
  });
});
