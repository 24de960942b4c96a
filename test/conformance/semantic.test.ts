import { expect } from 'chai';
import {
  checkIdentity,
  checkOwnerAgreement,
  checkRedaction,
  ownerKinds,
} from '../../src/conformance/semantic.ts';
import { sampleOfComponent } from '../../src/openapi/sample.ts';
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
      // Judged by how many key characters show, not by whether a mask character is there.
      { description: 'a whole project key with one `*` appended', value: `${wholeKey}*`, want: 'error' },
      { description: 'a whole project key with `...` appended', value: `${wholeKey}...`, want: 'error' },
      {
        description: 'a whole key with one character masked',
        value: `${wholeKey.slice(0, -1)}*`,
        want: 'error',
      },
      {
        description: 'the first 8 and last 4 of a service-account key',
        value: `sk-svcac${'*'.repeat(60)}Zx_9`,
        want: undefined,
      },
      {
        description: 'the whole sk-svcacct- prefix and the last 4: the prefix says only the kind',
        value: `sk-svcacct-${'*'.repeat(60)}Zx_9`,
        want: undefined,
      },
      {
        description: 'twelve key characters past the prefix, the most a redaction may show',
        value: `sk-proj-abcdefgh${'*'.repeat(20)}wxyz`,
        want: undefined,
      },
      {
        description: 'thirteen key characters past the prefix',
        value: `sk-proj-abcdefghi${'*'.repeat(20)}wxyz`,
        want: 'error',
      },
      {
        description: 'half a key shown, half masked',
        value: `sk-proj-${'Ab1_'.repeat(6)}${'*'.repeat(24)}`,
        want: 'error',
      },
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

    // Judged as a key only when shaped like one: `sk-` first, nothing but key and mask characters, or a
    // run of key characters as long as a key's body. Anything else is no leak, only odd: a warning that
    // quotes it as it is.
    const shapes: { description: string; value: string; want: 'key' | 'not a key' }[] = [
      { description: 'prose', value: 'redacted for privacy', want: 'not a key' },
      { description: 'a bracketed placeholder', value: '[redacted]', want: 'not a key' },
      { description: 'prose with punctuation', value: 'hidden (ask an admin)', want: 'not a key' },
      { description: 'words and asterisks', value: 'key ******** hidden', want: 'not a key' },
      { description: 'one word, in a key’s alphabet', value: 'redacted', want: 'key' },
      { description: 'a hyphenated phrase, in a key’s alphabet', value: 'redacted-for-privacy', want: 'key' },
      { description: 'prose after an sk- prefix', value: 'sk-redacted for privacy', want: 'key' },
      { description: 'mask characters only', value: '****…****', want: 'key' },
      {
        description: 'prose holding a whole key',
        value: `the key is ${wholeKey} (rotate it)`,
        want: 'key',
      },
      {
        description: 'prose holding a key body with no prefix',
        value: `token: ${'Zq9_'.repeat(8)} (rotate it)`,
        want: 'key',
      },
    ];
    for (const { description, value, want } of shapes) {
      it(`${description} (${JSON.stringify(value.length > 40 ? `${value.slice(0, 20)}…` : value)}): judged as ${want}`, () => {
        const findings = checkRedaction({ redacted_value: value });
        const notAKey = findings.filter((f) => /does not look like a redacted key/.test(f.message));
        if (want === 'not a key') {
          expect(findings.map((f) => [f.severity, f.pointer, f.keyword])).to.deep.equal([
            ['warning', '/redacted_value', 'redaction'],
          ]);
          expect(notAKey, 'says so').to.have.length(1);
          expect(notAKey[0]?.message, 'shows the value as it is').to.contain(JSON.stringify(value));
        } else {
          expect(notAKey, 'judged as a key').to.deep.equal([]);
          for (const f of findings) expect(f.message).not.to.contain(JSON.stringify(value));
        }
      });
    }

    it('a long value that is not a key is quoted cut short, with its length', () => {
      const value = `redacted for privacy ${'and more words '.repeat(40)}`;
      const [finding] = checkRedaction({ redacted_value: value });
      expect(finding?.message).to.contain('"redacted for privacy').and.contain(`(${value.length} characters`);
      expect(finding?.message.length).to.be.below(300);
    });
  });

  describe('key-looking secrets outside redacted_value', () => {
    const projectKey = `sk-proj-${'Qw3-'.repeat(20)}`;
    const legacyKey = `sk-${'Zz9_'.repeat(12)}`;
    const body = (edits: [string, unknown][]) =>
      edited(sample, ['/redacted_value', 'sk-abc...def'], ...edits);
    const cases: { description: string; edits: [string, unknown][]; want: string[] }[] = [
      { description: 'none anywhere', edits: [], want: [] },
      { description: 'a project key as the name', edits: [['/name', projectKey]], want: ['/name'] },
      {
        description: 'a legacy sk- key inside a longer name',
        edits: [['/name', `deploy bot (${legacyKey})`]],
        want: ['/name'],
      },
      {
        description: "a key in the owner's email, two levels down",
        edits: [[`/owner/${firstKind}/email`, projectKey]],
        want: [`/owner/${firstKind}/email`],
      },
      {
        description: "a key as a property name: the object's pointer, not the name",
        edits: [[`/owner/${projectKey}`, 1]],
        want: ['/owner'],
      },
      { description: 'a word that only ends in sk-', edits: [['/name', `task-${'a'.repeat(30)}`]], want: [] },
      { description: 'a short placeholder', edits: [['/name', 'sk-admin-EXAMPLE']], want: [] },
    ];
    for (const { description, edits, want } of cases) {
      it(`${description}: ${want.length === 0 ? 'no finding' : `a warning at ${want.join(', ')}`}`, () => {
        const findings = checkRedaction(body(edits));
        expect(findings.map((f) => [f.severity, f.keyword, f.pointer])).to.deep.equal(
          want.map((pointer) => ['warning', 'secretInBody', pointer]),
        );
        for (const f of findings) {
          expect(f.message, 'a finding never repeats the secret').not.to.match(/sk-[A-Za-z0-9_-]{20}/);
        }
      });
    }

    it('says how many more past the first findings, however many strings hold a key', () => {
      const many = Object.fromEntries(Array.from({ length: 500 }, (_, i) => [`field${i}`, projectKey]));
      const findings = checkRedaction({ redacted_value: 'sk-abc...def', ...many });
      expect(findings).to.have.length(21);
      expect(findings.at(-1)?.message).to.equal(
        '480 more strings hold what looks like a secret key (500 in all)',
      );
    });

    it('walks a body nested 200 000 deep (far past any call stack) without a stack overflow', () => {
      let nested: unknown = projectKey;
      for (let depth = 0; depth < 200_000; depth++) nested = [nested];
      const findings = checkRedaction({ redacted_value: 'sk-abc...def', deep: nested });
      expect(findings).to.have.length(1);
      expect(findings[0]?.pointer).to.equal(`/deep${'/0'.repeat(200_000)}`);
    });
  });
});
