import { expect } from 'chai';
import {
  ADMIN_KEY_PREFIX,
  alphabetOf,
  DEFAULT_KEY_ID_MODEL,
  invalidAdminKeyLike,
  referenceAdminKey,
  unknownKeyIdLike,
} from '../../src/conformance/probes.ts';

// The probes must not be told apart from real ids and keys by their shape: prefix, length, alphabet.

/** The probe has the model's prefix and length, and only characters of the model's alphabet. */
const expectShapedLike = (probe: string, model: string, prefix: string) => {
  expect(probe.slice(0, prefix.length)).to.equal(prefix);
  expect(probe).to.have.length(model.length);
  const alphabet = alphabetOf(model.slice(prefix.length));
  expect([...probe.slice(prefix.length)].filter((c) => !alphabet.includes(c))).to.deep.equal([]);
};

describe('probe ids and keys', () => {
  const keyIds: [string, string[]][] = [
    ['ids like the real service’s', ['key_Uq3TzR8mWv1YpK6s']],
    ['lower-case hex ids', ['key_0a1b2c3d4e5f6a7b8c9d0e1f']],
    ['ids with an underscore inside', ['key_user_Abc123Def456']],
    ['no id given: a real-looking default', []],
  ];
  for (const [label, given] of keyIds) {
    it(`an unknown key id shaped like ${label}`, () => {
      const model = given[0] ?? DEFAULT_KEY_ID_MODEL;
      const probe = unknownKeyIdLike(given);
      expectShapedLike(probe, model, 'key_');
      expect(given).not.to.include(probe);
    });
  }

  const alphabets: [string, string][] = [
    ['Uq3TzR8m', 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'],
    ['0a1b2c3d', 'abcdefghijklmnopqrstuvwxyz0123456789'],
    ['Ab9_-', 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-'],
    ['aaaa', 'abcdefghijklmnopqrstuvwxyz'],
    ['--__', 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'],
  ];
  for (const [sample, want] of alphabets) {
    it(`draws from the classes ${JSON.stringify(sample)} uses, whole`, () => {
      expect(alphabetOf(sample)).to.equal(want);
    });
  }

  it('is fresh on every run', () => {
    const probes = new Set(Array.from({ length: 50 }, () => unknownKeyIdLike(['key_Uq3TzR8mWv1YpK6s'])));
    expect(probes.size).to.equal(50);
  });

  const adminKeys = [
    `sk-admin-${'Ab9_-'.repeat(13)}`,
    `sk-admin-${'0123456789abcdef'.repeat(4)}`,
    referenceAdminKey(),
  ];
  for (const adminKey of adminKeys) {
    it(`an invalid admin key shaped like ${adminKey.slice(0, 14)}…: prefix, length and alphabet`, () => {
      const probe = invalidAdminKeyLike(adminKey);
      expect(probe).not.to.equal(adminKey);
      expectShapedLike(probe, adminKey, ADMIN_KEY_PREFIX);
    });
  }

  it('keeps to the alphabet even when the random source keeps hitting the real key', () => {
    const adminKey = 'sk-admin-aaaaaaaaaaaaaaaa';
    let calls = 0;
    // The first 16 draws rebuild the real key exactly; the probe must differ from it anyway.
    const probe = invalidAdminKeyLike(adminKey, (n) => (calls++ < 16 ? 0 : n - 1));
    expect(probe).not.to.equal(adminKey);
    expect(probe).to.have.length(adminKey.length);
  });
});
