import { expect } from 'chai';
import { exchangeLabel, pactChecksOf, recordedOf } from '../../../src/conformance/stages/verify.ts';
import { SKIP_REASONS } from '../../../src/conformance/target.ts';
import type { InteractionOutcome } from '../../../src/contract/verify-pact.ts';
import { PROVIDER_STATES } from '../../../src/pact/provider-states.ts';
import type { Exchange } from '../../../src/transport/exchange.ts';

const exchange = (id: string, attempts: number, secretEchoes?: string[]): Exchange => ({
  id,
  request: { method: 'GET', url: 'http://t/x', headers: {} },
  attempts: Array.from({ length: attempts }, () => ({
    startedAt: '2030-01-01T00:00:00.000Z',
    durationMs: 1,
  })),
  durationMs: 1,
  ...(secretEchoes ? { secretEchoes } : {}),
});

describe('stage 3, verify: pact checks from the verifier’s outcomes', () => {
  const recorded = new Map<string, Exchange[]>([
    [exchangeLabel('web', 'userKey'), [exchange('ex-1', 2)]],
    [exchangeLabel('other', 'userKey'), [exchange('ex-9', 1)]],
  ]);
  const recorder = { exchangesOf: (label: string) => recorded.get(label) ?? [] };
  const outcome = (state: string | undefined, status: InteractionOutcome['status'], reason?: string) => ({
    description: `about ${state}`,
    state,
    status,
    findings: [],
    ...(reason ? { reason } : {}),
  });

  it('names the pact, and the exchanges of its own state only', () => {
    const [check] = pactChecksOf(
      { id: 'web' },
      { outcomes: [outcome(PROVIDER_STATES.userKey, 'pass')] },
      recorder,
    );
    expect(check).to.deep.include({ category: 'pact', pact: 'web', attempts: 2, exchangeIds: ['ex-1'] });
  });

  it('says which flag would have given the ids of a skipped state', () => {
    const [check] = pactChecksOf(
      { id: 'web' },
      { outcomes: [outcome(PROVIDER_STATES.serviceAccountKey, 'skip', 'cannot set up')] },
      recorder,
    );
    expect(check?.skipReason).to.equal(SKIP_REASONS.serviceAccountKey);
  });

  it('keeps the reason of a state this suite does not know', () => {
    const [check] = pactChecksOf(
      { id: 'web' },
      { outcomes: [outcome('a state of its own', 'skip', 'unknown')] },
      recorder,
    );
    expect([check?.skipReason, check?.exchangeIds]).to.deep.equal(['unknown', []]);
  });

  it('collects attempts, exchange ids and every place a key came back', () => {
    expect(recordedOf([exchange('a', 1, ['body']), exchange('b', 3, ['body', 'header x'])])).to.deep.equal({
      attempts: 3,
      exchangeIds: ['a', 'b'],
      echoes: ['body', 'header x'],
    });
  });
});
