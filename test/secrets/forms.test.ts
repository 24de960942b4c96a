import { expect } from 'chai';
import { containsSecret } from '../../src/secrets/forms.ts';
import { redactSecrets } from '../../src/secrets/redact.ts';

// A secret built at run time, with a slash so the `\/` escape has something to act on.
const secret = `sk-admin-${'Ab3'.repeat(12)}/x_y-${Date.now()}`;
const jsonEscapedAll = [...secret].map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`).join('');
const percentAll = (hexCase: (s: string) => string) =>
  [...secret].map((c) => `%${hexCase(c.charCodeAt(0).toString(16).padStart(2, '0'))}`).join('');
const base64 = (text: string) => Buffer.from(text).toString('base64');
const base64url = (text: string) => Buffer.from(text).toString('base64url');

describe('containsSecret and the redactor: every form a server may echo a secret in', () => {
  const echoes: [string, string][] = [
    ['as sent, inside other text', `Incorrect API key provided: ${secret}.`],
    ['JSON-escaped first character', `{"name":"\\u0073${secret.slice(1)}"}`],
    ['JSON-escaped, upper-case hex', `{"name":"s\\u006B${secret.slice(2)}"}`],
    ['every character JSON-escaped', `{"name":"${jsonEscapedAll}"}`],
    ['a slash escaped as \\/', `{"name":"${secret.replace('/', '\\/')}"}`],
    ['percent-encoded, lower-case hex', `/login?token=${percentAll((s) => s)}`],
    ['percent-encoded, upper-case hex', `/login?token=${percentAll((s) => s.toUpperCase())}`],
    ['base64 at offset 0', `x-session: ${base64(secret)}`],
    ['base64 at offset 1 (Basic a:secret)', `Basic ${base64(`a:${secret}`)}`],
    ['base64 at offset 2', base64(`ab${secret}trailing`)],
    ['URL-safe base64', `token=${base64url(`abc:${secret}`)}`],
  ];
  for (const [label, text] of echoes) {
    it(`finds and redacts it ${label}`, () => {
      expect(containsSecret(text, secret)).to.equal(true);
      const redacted = redactSecrets(text, [secret]);
      expect(redacted).to.contain('[REDACTED]');
      expect(containsSecret(redacted, secret), redacted).to.equal(false);
    });
  }

  const innocent: [string, string][] = [
    ['another key of the same shape', secret.replace('Ab3', 'Zz9')],
    ['the first half only', secret.slice(0, secret.length / 2)],
    ['an empty text', ''],
    ['its percent-encoding cut short', percentAll((c) => c).slice(0, -3)],
    ['the base64 of another secret', base64(secret.replace('x_y', 'x_z').slice(10))],
  ];
  for (const [label, text] of innocent) {
    it(`does not see it in ${label}`, () => {
      expect(containsSecret(text, secret)).to.equal(false);
    });
  }
});
