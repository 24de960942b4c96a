import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { verifyPact } from '../../src/contract/verify-pact.ts';
import { pactFrom, stateOfRequest } from './pacts.ts';
import { LOCAL_IDS, localTarget, startProvider } from './providers.ts';

// A pact's size must not multiply traffic: hundreds of interactions still make one request per state.
// Not thousands: the static verifier's own time grows with the square of a pact's interactions (a
// thousand took it 15 s to over 3 minutes on a shared 2-core machine, 400 take it 5 to 30 s).

describe('verifyPact: a large pact', function () {
  // A bound on a hung verifier, not a speed check.
  this.timeout(300_000);
  const scratch = mkdtempSync(join(tmpdir(), 'large-pact-'));
  after(() => rmSync(scratch, { recursive: true, force: true }));

  it('400 interactions over the four states: the target gets one request per state', async () => {
    const copies = 100;
    const pact = pactFrom(scratch, 'large', (json) => {
      json.interactions = json.interactions.flatMap((interaction) =>
        Array.from({ length: copies }, (_, n) => ({
          ...structuredClone(interaction),
          description: `${interaction.description} #${n}`,
        })),
      );
    });
    expect(pact.interactions).to.have.length(4 * copies);
    const provider = await startProvider();
    try {
      const target = localTarget(provider.url);
      const { outcomes, exchanges } = await verifyPact(pact, target, { requestTimeoutMs: 5000 });
      expect(provider.seen, 'requests the target got').to.have.length(4);
      expect(provider.seen.map(stateOfRequest)).to.have.members([
        LOCAL_IDS.userKey.keyId,
        LOCAL_IDS.serviceAccountKey.keyId,
        LOCAL_IDS.unknownKey.keyId,
        'invalidAdminKey',
      ]);
      expect(target.transport.recorder.exchanges()).to.have.length(4);
      expect([...exchanges.keys()]).to.have.members([
        'userKey',
        'serviceAccountKey',
        'unknownKey',
        'invalidAdminKey',
      ]);
      // Every copy was judged, each against the one answer its state got.
      expect(outcomes).to.have.length(4 * copies);
      expect(
        outcomes.filter((o) => o.status !== 'pass').map((o) => [o.description, o.findings]),
      ).to.deep.equal([]);
    } finally {
      await provider.close();
    }
  });
});
