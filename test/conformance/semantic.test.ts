import { expect } from 'chai';
import {
  checkIdentity,
  checkOwnerAgreement,
  checkRedaction,
  ownerKinds,
} from '../../src/conformance/semantic.ts';
import { sampleOfComponent } from '../../src/spec/sample.ts';
import { drop, edited, seed } from '../helpers.ts';

const kinds = ownerKinds(seed.document);
// The sample carries every owner object; a real key carries the one its owner.type names.
const sample = sampleOfComponent('ProjectApiKey', seed.document) as { owner: Record<string, unknown> };
const [firstKind, secondKind] = kinds as [string, string];
const ownedBy = (kind: string) =>
  edited(
    sample,
    ['/owner/type', kind],
    ...kinds.filter((k) => k !== kind).map((k) => [`/owner/${k}`, drop] as [string, unknown]),
  );

describe('semantic checks', () => {
  it('read the owner kinds from the document', () => {
    expect(kinds).to.have.length(2);
    for (const kind of kinds) expect(sample.owner).to.have.property(kind);
  });

  describe('owner agreement', () => {
    const cases: { description: string; body: unknown; want: string[] }[] = [
      { description: `owned by ${firstKind}`, body: ownedBy(firstKind), want: [] },
      { description: `owned by ${secondKind}`, body: ownedBy(secondKind), want: [] },
      {
        description: 'type names an owner object that is absent',
        body: edited(ownedBy(secondKind), ['/owner/type', firstKind]),
        want: [`/owner/${firstKind}`, `/owner/${secondKind}`],
      },
      {
        description: 'both owner objects present',
        body: edited(ownedBy(firstKind), [`/owner/${secondKind}`, {}]),
        want: [`/owner/${secondKind}`],
      },
      { description: 'no owner at all (the schema says so, not this check)', body: {}, want: [] },
    ];
    for (const { description, body, want } of cases) {
      it(description, () => {
        expect(checkOwnerAgreement(body, kinds).map((f) => f.pointer)).to.have.members(want);
      });
    }
  });

  describe('identity', () => {
    it('passes when the id is the one requested', () => {
      expect(checkIdentity({ id: 'key_a' }, 'key_a')).to.deep.equal([]);
    });
    it('fails at /id when another key comes back', () => {
      const [finding] = checkIdentity({ id: 'key_b' }, 'key_a');
      expect(finding).to.include({ pointer: '/id', severity: 'error' });
      expect(finding?.message).to.contain('key_a').and.contain('key_b');
    });
  });

  describe('redaction', () => {
    // Built at run time: no whole-looking key is ever committed.
    const wholeKey = `sk-proj-${'Ab1_'.repeat(12)}`;
    const cases: { description: string; value: string; want: 'error' | 'warning' | undefined }[] = [
      { description: 'the notes’ masked form', value: `sk-proj-${'*'.repeat(40)}excA`, want: undefined },
      { description: "the spec example's elided form", value: 'sk-abc...def', want: undefined },
      { description: 'a whole project key', value: wholeKey, want: 'error' },
      { description: 'a whole admin key', value: `sk-admin-${'x9'.repeat(20)}`, want: 'error' },
      { description: 'an unmasked short value', value: 'hello', want: 'warning' },
    ];
    for (const { description, value, want } of cases) {
      it(`${description}: ${want ?? 'no finding'}`, () => {
        const findings = checkRedaction({ redacted_value: value });
        expect(findings.map((f) => f.severity)).to.deep.equal(want ? [want] : []);
        for (const f of findings) {
          expect(f.pointer).to.equal('/redacted_value');
          expect(f.message, 'a finding never repeats the secret').not.to.contain(value);
        }
      });
    }
  });
});
