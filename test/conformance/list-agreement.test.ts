import { expect } from 'chai';
import {
  compareWithListEntry,
  MAX_COMPARED_DEPTH,
  MAX_DIFFERENCES_PER_KEY,
} from '../../src/conformance/list-agreement.ts';
import { edited } from '../helpers.ts';

// What a list shows must be retrievable, and the same: field by field, last_used_at only forward.

const listed = {
  id: 'key_abc',
  name: 'Deploy',
  created_at: 1711471533,
  last_used_at: 1711557933,
  owner: { type: 'user', user: { id: 'user-1', role: 'owner' } },
};

const cases: { name: string; retrieved: unknown; want: [pointer: string, message: RegExp][] }[] = [
  { name: 'the same body agrees', retrieved: structuredClone(listed), want: [] },
  {
    name: 'last_used_at moving forward agrees',
    retrieved: edited(listed, ['/last_used_at', 1711600000]),
    want: [],
  },
  {
    name: 'last_used_at going back is a difference',
    retrieved: edited(listed, ['/last_used_at', 1711400000]),
    want: [['/last_used_at', /went back from 1711557933 in the list to 1711400000 retrieved/]],
  },
  {
    name: 'last_used_at going back to null is a difference',
    retrieved: edited(listed, ['/last_used_at', null]),
    want: [['/last_used_at', /went back .* to null/]],
  },
  {
    name: 'another name, at its pointer',
    retrieved: edited(listed, ['/name', 'Renamed']),
    want: [['/name', /retrieved "Renamed", the list shows "Deploy"/]],
  },
  {
    name: 'a nested difference, at its pointer',
    retrieved: edited(listed, ['/owner/user/role', 'reader']),
    want: [['/owner/user/role', /retrieved "reader", the list shows "owner"/]],
  },
  {
    name: 'a property only the retrieve has',
    retrieved: { ...listed, extra: 1 },
    want: [['/extra', /the list entry has no such property/]],
  },
  {
    name: 'a property only the list has',
    retrieved: { ...listed, name: undefined },
    want: [['/name', /the retrieved key has no such property/]],
  },
];

describe('compareWithListEntry: a retrieved key against its list entry', () => {
  for (const c of cases) {
    it(c.name, () => {
      const findings = compareWithListEntry(listed, JSON.parse(JSON.stringify(c.retrieved)));
      expect(findings.map((f) => f.pointer)).to.deep.equal(c.want.map(([pointer]) => pointer));
      for (const [i, [, message]] of c.want.entries()) expect(findings[i]?.message).to.match(message);
      for (const f of findings) expect([f.severity, f.keyword]).to.deep.equal(['error', 'listAgreement']);
    });
  }

  it('names the first differences and counts the rest', () => {
    const many = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`p${i}`, i]));
    const findings = compareWithListEntry(many, {});
    expect(findings).to.have.length(MAX_DIFFERENCES_PER_KEY + 1);
    expect(findings.at(-1)?.message).to.equal(`${50 - MAX_DIFFERENCES_PER_KEY} more differences (50 in all)`);
  });

  it('walks a hostile depth without recursion, and says where it stopped', () => {
    const deep = (depth: number, leaf: unknown) => {
      let value: unknown = leaf;
      for (let i = 0; i < depth; i++) value = { a: value };
      return value;
    };
    // 100,000 levels would overflow a recursive walk; this one stops at its bound.
    const findings = compareWithListEntry(deep(100_000, 1), deep(100_000, 2));
    expect(findings).to.have.length(1);
    expect(findings[0]?.pointer.split('/').length - 1).to.equal(MAX_COMPARED_DEPTH);
    expect(findings[0]?.message).to.match(/nested deeper than \d+ levels: not compared/);
  });
});
