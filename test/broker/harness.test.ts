import { expect } from 'chai';
import { brokerAvailability } from './harness.ts';

// The broker tests never pass vacuously: without a broker they are pending, and say why.

describe('the broker test harness', () => {
  const missing = '/nonexistent/pact-broker/run';
  const cases: [string, NodeJS.ProcessEnv, ReturnType<typeof brokerAvailability>][] = [
    [
      'neither ../shared/pact-broker nor PACT_BROKER_BASE_URL',
      {},
      {
        kind: 'none',
        reason:
          'needs a real Pact Broker: no ../shared/pact-broker beside the checkout, and no PACT_BROKER_BASE_URL',
      },
    ],
    [
      'a loopback PACT_BROKER_BASE_URL',
      { PACT_BROKER_BASE_URL: 'http://localhost:9292/' },
      { kind: 'external', url: 'http://localhost:9292' },
    ],
    [
      'a PACT_BROKER_BASE_URL elsewhere (tests write to the broker)',
      { PACT_BROKER_BASE_URL: 'https://broker.example.test' },
      {
        kind: 'none',
        reason:
          'needs a real Pact Broker: no ../shared/pact-broker beside the checkout, and PACT_BROKER_BASE_URL is not a loopback URL',
      },
    ],
  ];
  for (const [label, env, want] of cases) {
    it(`with ${label}`, () => {
      expect(brokerAvailability(env, missing)).to.deep.equal(want);
    });
  }
});
