import { expect } from 'chai';
import { REDACTED, Redactor, redactHeaders, redactSecrets } from '../../src/secrets/redact.ts';

// Whole-looking keys are built here at run time: no committed file may hold one.
const adminKey = `sk-admin-${'A1b2'.repeat(10)}`;
const projectKey = `sk-proj-${'Zz_9'.repeat(10)}`;

describe('redactSecrets', () => {
  const cases: { description: string; text: string; secrets: string[]; want: string }[] = [
    {
      description: 'a bare secret',
      text: 'key=s3cr3t-value;',
      secrets: ['s3cr3t-value'],
      want: 'key=[REDACTED];',
    },
    {
      description: 'every occurrence',
      text: 'a s3cr3t b s3cr3t',
      secrets: ['s3cr3t'],
      want: 'a [REDACTED] b [REDACTED]',
    },
    {
      description: 'Bearer <secret> as one',
      text: 'Authorization: Bearer s3cr3t',
      secrets: ['s3cr3t'],
      want: 'Authorization: [REDACTED]',
    },
    { description: 'lower-case bearer', text: 'bearer  s3cr3t', secrets: ['s3cr3t'], want: '[REDACTED]' },
    {
      description: 'several secrets',
      text: 'one two three',
      secrets: ['one', 'three'],
      want: '[REDACTED] two [REDACTED]',
    },
    {
      description: 'a secret inside a longer one, replaced whole',
      text: 'abcdef',
      secrets: ['cd', 'abcdef'],
      want: '[REDACTED]',
    },
    {
      description: 'regular-expression characters taken literally',
      text: 'x a.b*c(d) y a-b',
      secrets: ['a.b*c(d)'],
      want: 'x [REDACTED] y a-b',
    },
    { description: 'empty secrets ignored', text: 'nothing here', secrets: ['', ''], want: 'nothing here' },
    { description: 'no secrets', text: 'plain', secrets: [], want: 'plain' },
    {
      description: 'a whole-looking admin key nobody named',
      text: `{"value":"${adminKey}"}`,
      secrets: [],
      want: '{"value":"[REDACTED]"}',
    },
    {
      description: 'a whole-looking project key after Bearer',
      text: `Bearer ${projectKey}`,
      secrets: [],
      want: '[REDACTED]',
    },
    {
      description: 'a redacted_value and the placeholder admin key left alone',
      text: 'sk-proj-****************************abcd sk-admin-EXAMPLE',
      secrets: [],
      want: 'sk-proj-****************************abcd sk-admin-EXAMPLE',
    },
  ];
  for (const { description, text, secrets, want } of cases) {
    it(`redacts ${description}`, () => {
      expect(redactSecrets(text, secrets)).to.equal(want);
    });
  }
});

describe('redactHeaders', () => {
  const cases: {
    description: string;
    headers: Parameters<typeof redactHeaders>[0];
    secrets: string[];
    want: Record<string, string>;
  }[] = [
    {
      description: 'credential headers always, whatever they hold',
      headers: {
        Authorization: 'Bearer sk-admin-EXAMPLE',
        'Proxy-Authorization': 'Basic eA==',
        Cookie: 'a=1',
        'set-cookie': ['s=1', 's=2'],
        'x-api-key': 'k',
        'api-key': 'k',
      },
      secrets: [],
      want: {
        authorization: REDACTED,
        'proxy-authorization': REDACTED,
        cookie: REDACTED,
        'set-cookie': REDACTED,
        'x-api-key': REDACTED,
        'api-key': REDACTED,
      },
    },
    {
      description: 'secrets inside other headers; names in lower case; the rest kept',
      headers: { 'X-Echo': 'got s3cr3t', 'OpenAI-Organization': 'org-1', 'content-length': 12 },
      secrets: ['s3cr3t'],
      want: { 'x-echo': 'got [REDACTED]', 'openai-organization': 'org-1', 'content-length': '12' },
    },
    {
      description: 'a Headers object',
      headers: new Headers({ authorization: 'Bearer x', accept: 'application/json' }),
      secrets: [],
      want: { authorization: REDACTED, accept: 'application/json' },
    },
    {
      description: 'pairs with a repeated name, joined',
      headers: [
        ['Vary', 'a'],
        ['vary', 'b'],
        ['Set-Cookie', 'c=1'],
        ['set-cookie', 'c=2'],
      ],
      secrets: [],
      want: { vary: 'a, b', 'set-cookie': REDACTED },
    },
    {
      description: 'undefined values dropped',
      headers: { 'x-a': undefined, 'x-b': 'b' },
      secrets: [],
      want: { 'x-b': 'b' },
    },
  ];
  for (const { description, headers, secrets, want } of cases) {
    it(`redacts ${description}`, () => {
      expect(redactHeaders(headers, secrets)).to.deep.equal(want);
    });
  }
});

describe('Redactor', () => {
  it('redacts text and headers with the secrets it holds, added as they become known', () => {
    const redactor = new Redactor(['first-secret']);
    redactor.add('', 'second-secret', 'first-secret');
    expect(redactor.secrets).to.deep.equal(['first-secret', 'second-secret']);
    expect(redactor.text('first-secret second-secret')).to.equal('[REDACTED] [REDACTED]');
    expect(redactor.headers({ 'x-a': 'second-secret' })).to.deep.equal({ 'x-a': REDACTED });
  });
});

describe('redaction of a text without escapes', () => {
  // A text with no backslash and no percent sign is redacted with the secrets as literals (and their base64
  // cores), not the pattern of every escaped form: the two must find the same spans. A trailing backslash
  // sends a text through the full pattern without making any match of its own, so each text is redacted
  // both ways and compared.
  const secret = `sk-admin-${'Qx7_'.repeat(10)}`;
  const other = 'sessiontoken-9f8e7d6c5b4a';
  const base64 = (text: string, offset: number) =>
    Buffer.concat([Buffer.alloc(offset, 0x41), Buffer.from(text)]).toString('base64');
  const pieces = [
    secret,
    other,
    `Bearer ${secret}`,
    `bearer\t ${other}`,
    secret.slice(0, 20),
    secret.slice(5),
    `${secret}${secret}`,
    `x${secret.toUpperCase()}`,
    base64(secret, 0),
    base64(secret, 1),
    base64(secret, 2).replaceAll('+', '-').replaceAll('/', '_'),
    base64(other, 1),
    `sk-proj-${'Zz_9'.repeat(10)}`,
    'sk-',
    'Bearer ',
    ' plain words ',
    '{"a":"b"}',
    '/organization/projects/p/api_keys/k',
  ];
  // Every pair of pieces, and a few longer runs, with separators that do and do not join them.
  const texts = pieces.flatMap((a) => pieces.flatMap((b) => [a + b, `${a} ${b}`, `${a}"${b}`]));
  texts.push(pieces.join(''), pieces.join(' '), pieces.join(''.padEnd(3, '=')));

  it(`finds what the full pattern finds, in ${texts.length} texts`, () => {
    let redactions = 0;
    for (const text of texts) {
      expect(text).not.to.match(/[\\%]/);
      const literal = redactSecrets(text, [secret, other]);
      const full = redactSecrets(`${text}\\`, [secret, other]);
      expect(`${literal}\\`, text).to.equal(full);
      if (literal !== text) redactions++;
    }
    expect(redactions, 'texts that held a secret').to.be.greaterThan(texts.length / 2);
  });

  it('still finds the escaped forms where a text has them', () => {
    const escaped = [...secret].map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`).join('');
    const percent = [...other].map((c) => `%${c.charCodeAt(0).toString(16)}`).join('');
    expect(redactSecrets(`a ${escaped} b ${percent} c`, [secret, other])).to.equal(
      `a ${REDACTED} b ${REDACTED} c`,
    );
  });
});
