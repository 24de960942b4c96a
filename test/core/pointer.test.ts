import { expect } from 'chai';
import { escapeToken, fromPactPath, parsePointer, toPointer, valueAt } from '../../src/core/pointer.ts';

describe('pointer', () => {
  const tokens: [string, string][] = [
    ['plain', 'plain'],
    ['a/b', 'a~1b'],
    ['m~n', 'm~0n'],
    ['~/', '~0~1'],
  ];
  for (const [token, escaped] of tokens) {
    it(`escapes ${JSON.stringify(token)} as RFC 6901 says and back`, () => {
      expect(escapeToken(token)).to.equal(escaped);
      expect(parsePointer(toPointer([token]))).to.deep.equal([token]);
    });
  }

  const pactPaths: [string, string][] = [
    ['$', ''],
    ['/', ''],
    ['$.owner', '/owner'],
    ['$.owner.user.added_at', '/owner/user/added_at'],
    ["$.owner['service_account'].role", '/owner/service_account/role'],
    ['$.items[0].id', '/items/0/id'],
    ["$['a/b']", '/a~1b'],
  ];
  for (const [path, pointer] of pactPaths) {
    it(`converts Pact path ${path} to ${JSON.stringify(pointer)}`, () => {
      expect(fromPactPath(path)).to.equal(pointer);
    });
  }

  it('reads the value a pointer names, and undefined past the end', () => {
    const doc = { owner: { user: { id: 'u' } }, list: [1, 2] };
    expect(valueAt(doc, '/owner/user/id')).to.equal('u');
    expect(valueAt(doc, '/list/1')).to.equal(2);
    expect(valueAt(doc, '/owner/missing/id')).to.equal(undefined);
    expect(valueAt(doc, '')).to.equal(doc);
  });

  it('rejects a pointer that does not start with a slash', () => {
    expect(() => parsePointer('owner')).to.throw(/not a JSON Pointer/);
  });
});
