import { expect } from 'chai';
import { type LoadedPact, loadPacts } from '../../src/contract/pact.ts';
import { CONTRACT_PATH } from '../../src/contract/pact-file.ts';
import { type InteractionOutcome, verifyPact } from '../../src/contract/verify-pact.ts';
import { LIST_STATES, PROVIDER_STATES, type StateKey } from '../../src/pact/provider-states.ts';
import { drop } from '../helpers.ts';
import {
  LOCAL_IDS,
  LOCAL_INVALID_KEY,
  type LocalProvider,
  localTarget,
  PROVIDER_ADMIN_KEY,
  type ProviderVariant,
  startProvider,
} from './providers.ts';

// Proof the committed pact bites: verified against small local providers that break it in one way each,
// it fails for that reason, on that interaction, at that pointer, and passes against one that conforms.

interface Case {
  description: string;
  variant: ProviderVariant;
  /** The one interaction (by state) that must fail, and the [keyword, pointer] of what it must say. */
  fails?: { state: StateKey; findings: [string, string][] };
}

const cases: Case[] = [
  { description: 'a provider that conforms passes all four interactions', variant: {} },
  {
    description: 'dropping a required field fails the user-owned key at /redacted_value',
    variant: { userKeyEdits: [['/redacted_value', drop]] },
    fails: { state: 'userKey', findings: [['required', '/redacted_value']] },
  },
  {
    description: 'dropping a required field of the nested owner fails at /owner/user/added_at',
    variant: { userKeyEdits: [['/owner/user/added_at', drop]] },
    fails: { state: 'userKey', findings: [['required', '/owner/user/added_at']] },
  },
  {
    description: 'an owner type outside the enum fails at /owner/type',
    variant: { userKeyEdits: [['/owner/type', 'robot']] },
    fails: { state: 'userKey', findings: [['body', '/owner/type']] },
  },
  {
    description: 'a role outside the enum fails at /owner/user/role',
    variant: { userKeyEdits: [['/owner/user/role', 'admin']] },
    fails: { state: 'userKey', findings: [['body', '/owner/user/role']] },
  },
  {
    description: 'a fraction where an integer is declared fails at /created_at',
    variant: { userKeyEdits: [['/created_at', 1711471533.5]] },
    fails: { state: 'userKey', findings: [['body', '/created_at']] },
  },
  {
    description: 'another object constant fails at /object',
    variant: { userKeyEdits: [['/object', 'organization.project.service_account']] },
    fails: { state: 'userKey', findings: [['body', '/object']] },
  },
  {
    description: '200 for an unknown key fails the unknown-key interaction on its status',
    variant: { answersUnknownKeys: true },
    fails: { state: 'unknownKey', findings: [['status', '']] },
  },
  {
    description: '200 for an invalid admin key fails the invalid-key interaction on its status',
    variant: { ignoresAuth: true },
    fails: { state: 'invalidAdminKey', findings: [['status', '']] },
  },
];

const outcomeFor = (outcomes: InteractionOutcome[], key: StateKey) =>
  outcomes.find((o) => o.state === PROVIDER_STATES[key]) as InteractionOutcome;

describe('the committed pact bites', () => {
  const results = new Map<string, { outcomes: InteractionOutcome[]; seen: LocalProvider['seen'] }>();

  // Verifications are independent (a provider, a gateway and a verifier each): run them side by side.
  before(async () => {
    await Promise.all(
      cases.map(async ({ description, variant }) => {
        const provider = await startProvider(variant);
        try {
          const { outcomes } = await verifyPact(
            loadPacts([{ path: CONTRACT_PATH }])[0] as LoadedPact,
            localTarget(provider.url),
            {
              requestTimeoutMs: 5000,
            },
          );
          results.set(description, { outcomes, seen: provider.seen });
        } finally {
          await provider.close();
        }
      }),
    );
  });

  for (const { description, fails } of cases) {
    it(description, () => {
      const { outcomes } = results.get(description) as { outcomes: InteractionOutcome[] };
      // The seed's pact: every retrieve state, and no list (the seed has no list operation).
      const retrieves = (Object.keys(PROVIDER_STATES) as StateKey[]).filter(
        (key) => !LIST_STATES.includes(key),
      );
      expect(outcomes.map((o) => o.state)).to.have.members(retrieves.map((key) => PROVIDER_STATES[key]));
      for (const key of retrieves) {
        const outcome = outcomeFor(outcomes, key);
        if (fails?.state === key) {
          expect(outcome.status, `${key} must fail`).to.equal('fail');
          const found = outcome.findings.map((f) => [f.keyword, f.pointer]);
          for (const want of fails.findings) expect(found).to.deep.include(want);
          // A wrong status leads: it says most about what went wrong.
          if (found.some(([keyword]) => keyword === 'status')) expect(found[0]?.[0]).to.equal('status');
          expect(outcome.findings.every((f) => f.severity === 'error')).to.equal(true);
        } else {
          expect(outcome, `${key} must pass`).to.deep.include({ status: 'pass', findings: [] });
        }
      }
    });
  }

  it("sends the state ids, the real key where the pact has the placeholder, and the run's invalid key", () => {
    const { seen } = results.get(cases[0]?.description ?? '') as { seen: LocalProvider['seen'] };
    const path = (key: StateKey) =>
      `/organization/projects/${LOCAL_IDS[key].projectId}/api_keys/${LOCAL_IDS[key].keyId}`;
    expect(seen.map(({ path, authorization }) => ({ path, authorization }))).to.have.deep.members([
      { path: path('userKey'), authorization: `Bearer ${PROVIDER_ADMIN_KEY}` },
      { path: path('serviceAccountKey'), authorization: `Bearer ${PROVIDER_ADMIN_KEY}` },
      { path: path('unknownKey'), authorization: `Bearer ${PROVIDER_ADMIN_KEY}` },
      { path: path('invalidAdminKey'), authorization: `Bearer ${LOCAL_INVALID_KEY}` },
    ]);
  });
});
