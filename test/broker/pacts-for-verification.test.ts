import { expect } from 'chai';
import { noticesAfterVerification, selectedPactsOf } from '../../src/broker/pacts-for-verification.ts';

// What the broker's for-verification answer says about each pact, read without a broker. The shapes are
// the ones pact_broker 2.113 answers with (seen in real-broker-*.test.ts).

const entry = (properties: Record<string, unknown>, href = 'http://broker.test/pacts/1') => ({
  shortDescription: 'latest from main branch',
  verificationProperties: properties,
  _links: { self: { href, name: 'Pact between c (1) and p' } },
});

describe('pacts for verification: reading the broker answer', () => {
  const cases: [string, unknown, { pending: boolean; wip: boolean }[] | undefined][] = [
    ['no list at all', { _links: {} }, undefined],
    ['an empty list', { _embedded: { pacts: [] } }, []],
    [
      'a pact without pending status',
      { _embedded: { pacts: [entry({})] } },
      [{ pending: false, wip: false }],
    ],
    ['a pending pact', { _embedded: { pacts: [entry({ pending: true })] } }, [{ pending: true, wip: false }]],
    [
      'a WIP pact, pending even when the broker did not say so',
      { _embedded: { pacts: [entry({ wip: true })] } },
      [{ pending: true, wip: true }],
    ],
    ['an entry without a link, dropped', { _embedded: { pacts: [{ verificationProperties: {} }] } }, []],
  ];
  for (const [label, document, want] of cases) {
    it(`reads ${label}`, () => {
      const selected = selectedPactsOf(document);
      expect(selected?.map(({ pending, wip }) => ({ pending, wip }))).to.deep.equal(want);
    });
  }

  it('keeps the link, why it was selected and the notices', () => {
    const notices = [
      { when: 'before_verification', text: 'selected because...' },
      { when: 'after_verification:success_false_published_true', text: 'still pending' },
      { when: 'after_verification:success_true_published_true', text: 'no longer pending' },
    ];
    const [pact] = selectedPactsOf({ _embedded: { pacts: [entry({ pending: true, notices })] } }) ?? [];
    expect(pact).to.deep.include({
      href: 'http://broker.test/pacts/1',
      selectedBecause: 'latest from main branch',
    });
    expect(pact?.notices).to.deep.equal(notices);
    expect(noticesAfterVerification(pact as { notices: typeof notices }, true, true)).to.deep.equal([
      notices[2],
    ]);
    expect(noticesAfterVerification(pact as { notices: typeof notices }, false, true)).to.deep.equal([
      notices[1],
    ]);
  });
});
