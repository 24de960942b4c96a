import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import { CONTRACTS, normalisePact } from '../../src/contract/pact-file.ts';

describe('normalisePact', () => {
  const cases: { description: string; given: unknown; want: string }[] = [
    {
      description: 'drops the versions of the tools that wrote the file, keeps the spec version',
      given: {
        metadata: {
          'pact-js': { version: '16.5.0' },
          pactRust: { ffi: '0.5.4' },
          pactSpecification: { version: '4.0' },
        },
      },
      want: '{\n  "metadata": {\n    "pactSpecification": {\n      "version": "4.0"\n    }\n  }\n}\n',
    },
    {
      description: 'sorts keys at every level',
      given: { b: { d: 1, c: [{ f: 2, e: 3 }] }, a: true },
      want: `${JSON.stringify({ a: true, b: { c: [{ e: 3, f: 2 }], d: 1 } }, null, 2)}\n`,
    },
    {
      description: 'sorts interactions by description, then by state',
      given: {
        interactions: [
          { description: 'b' },
          { description: 'a', providerStates: [{ name: 'y' }] },
          { description: 'a', providerStates: [{ name: 'x' }] },
        ],
      },
      want: `${JSON.stringify(
        {
          interactions: [
            { description: 'a', providerStates: [{ name: 'x' }] },
            { description: 'a', providerStates: [{ name: 'y' }] },
            { description: 'b' },
          ],
        },
        null,
        2,
      )}\n`,
    },
  ];
  for (const { description, given, want } of cases) {
    it(description, () => {
      expect(normalisePact(JSON.stringify(given))).to.equal(want);
    });
  }

  it('leaves array order inside an interaction alone (matchers combine in order)', () => {
    const given = { interactions: [{ description: 'a', list: [3, 1, 2] }] };
    expect(JSON.parse(normalisePact(JSON.stringify(given))).interactions[0].list).to.deep.equal([3, 1, 2]);
  });

  for (const [version, contract] of Object.entries(CONTRACTS)) {
    it(`is a fixed point on the committed ${version} pact, ${contract.fileName}`, () => {
      const committed = readFileSync(contract.path, 'utf8');
      expect(normalisePact(committed)).to.equal(committed);
      const shuffled = JSON.parse(committed);
      shuffled.interactions.reverse();
      expect(normalisePact(JSON.stringify(shuffled))).to.equal(committed);
    });
  }

  it('the two committed pacts name their consumers apart, for one provider', () => {
    const consumers = Object.values(CONTRACTS).map(
      (contract) => JSON.parse(readFileSync(contract.path, 'utf8')).consumer.name,
    );
    expect(consumers).to.deep.equal(['project-api-key-client', 'project-api-key-client-current']);
    const providers = Object.values(CONTRACTS).map(
      (contract) => JSON.parse(readFileSync(contract.path, 'utf8')).provider.name,
    );
    expect(providers).to.deep.equal(['openai-admin-api', 'openai-admin-api']);
  });
});
