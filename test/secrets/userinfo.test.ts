import { expect } from 'chai';
import { withoutUserinfo } from '../../src/secrets/userinfo.ts';

describe('withoutUserinfo', () => {
  const cases: [string, string, string][] = [
    ['a URL without userinfo, as it was', 'http://broker.test:9292/x', 'http://broker.test:9292/x'],
    ['a URL that parses', 'http://u:pass@broker.test/x', 'http://broker.test/x'],
    ['a username alone', 'https://user@broker.test', 'https://broker.test/'],
    ['a URL with a space in the host', 'http://u:pass@bro ker', 'http://bro ker'],
    ['a password with a slash', 'http://u:pa/ss@broker.test/x', 'http://broker.test/x'],
    ['a password with an @', 'http://u:p@ss@bro ker', 'http://bro ker'],
    ['a password with a space and no host', 'http://u:pa ss@', 'http://'],
    ['no scheme', 'user@broker test', 'broker test'],
    ['a scheme without a host', 'u:pass@broker test', 'u:broker test'],
    ['text without any @', 'not a url', 'not a url'],
  ];
  for (const [label, given, want] of cases) {
    it(`gives ${label}`, () => {
      expect(withoutUserinfo(given)).to.equal(want);
    });
  }
});
