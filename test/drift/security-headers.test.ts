import { expect } from 'chai';
import { compareOperations } from '../../src/drift/compare.ts';
import { type DocumentParts, documentWith, OPERATION } from './documents.ts';

// The parts of an operation besides its parameters and body: who may call it (security requirements, the
// operation's own or else the document's) and the headers of each documented response.

type Breaks = 'C-' | '-P' | 'CP' | '--';
type Want = [kind: string, pointer: string, breaks: Breaks];

const summary = (from: DocumentParts, to: DocumentParts): Want[] =>
  compareOperations(documentWith(from), documentWith(to), { operation: OPERATION }).changes.map((c) => [
    c.kind,
    c.pointer,
    `${c.breaksConsumers ? 'C' : '-'}${c.breaksProviders ? 'P' : '-'}` as Breaks,
  ]);

const bearer = { type: 'http', scheme: 'bearer' };
const SCHEMES = {
  securitySchemes: {
    Key: bearer,
    AdminKey: bearer,
    OAuth: {
      type: 'oauth2',
      flows: { clientCredentials: { tokenUrl: 'https://example.test/token', scopes: {} } },
    },
  },
};
const secured = (parts: DocumentParts): DocumentParts => ({ sections: SCHEMES, ...parts });

// A request's credentials are written by the consumer and read by the provider.
const SECURITY: [string, DocumentParts, DocumentParts, Want[]][] = [
  [
    'an alternative added: providers built to the old document may refuse it',
    { security: [{ Key: [] }] },
    { security: [{ Key: [] }, { AdminKey: [] }] },
    [['security-added', '/security/1', '-P']],
  ],
  [
    'an alternative removed: consumers that used it are refused',
    { security: [{ Key: [] }, { AdminKey: [] }] },
    { security: [{ AdminKey: [] }] },
    [['security-removed', '/security/0', 'C-']],
  ],
  [
    "the document's requirement replaced by the operation's own",
    { documentSecurity: [{ Key: [] }] },
    { documentSecurity: [{ Key: [] }], security: [{ AdminKey: [] }] },
    [
      ['security-removed', '/security/0', 'C-'],
      ['security-added', '/security/0', '-P'],
    ],
  ],
  [
    'a requirement where there was none: calls without credentials are refused',
    {},
    { documentSecurity: [{ Key: [] }] },
    [
      ['security-removed', '/security', 'C-'],
      ['security-added', '/security/0', '-P'],
    ],
  ],
  [
    "the operation's security: [] lifts the document's",
    { documentSecurity: [{ Key: [] }] },
    { documentSecurity: [{ Key: [] }], security: [] },
    [
      ['security-removed', '/security/0', 'C-'],
      ['security-added', '/security', '-P'],
    ],
  ],
  [
    'two schemes required together instead of one',
    { security: [{ Key: [] }] },
    { security: [{ Key: [], AdminKey: [] }] },
    [
      ['security-removed', '/security/0', 'C-'],
      ['security-added', '/security/0', '-P'],
    ],
  ],
  [
    'a scope added: consumers whose tokens lack it are refused',
    { security: [{ OAuth: ['read'] }] },
    { security: [{ OAuth: ['read', 'write'] }] },
    [['security-scopes-added', '/security/0/OAuth', 'C-']],
  ],
  [
    'a scope removed: providers built to the old document still demand it',
    { security: [{ OAuth: ['read', 'write'] }] },
    { security: [{ OAuth: ['read'] }] },
    [['security-scopes-removed', '/security/0/OAuth', '-P']],
  ],
  [
    "a scheme's definition changed under the same name: bearer to an API key header",
    { security: [{ Key: [] }] },
    {
      security: [{ Key: [] }],
      sections: {
        securitySchemes: { ...SCHEMES.securitySchemes, Key: { type: 'apiKey', in: 'header', name: 'X-Key' } },
      },
    },
    [['security-scheme-changed', '/security/0/Key', 'CP']],
  ],
];

const SECURITY_SAME: [string, DocumentParts, DocumentParts][] = [
  [
    "the document's requirement and the same on the operation",
    { documentSecurity: [{ Key: [] }] },
    { security: [{ Key: [] }] },
  ],
  [
    'alternatives reordered',
    { security: [{ Key: [] }, { AdminKey: [] }] },
    { security: [{ AdminKey: [] }, { Key: [] }] },
  ],
  ['scopes reordered', { security: [{ OAuth: ['a', 'b'] }] }, { security: [{ OAuth: ['b', 'a'] }] }],
  ['no security and security: []', {}, { security: [] }],
  [
    'a scheme spelt Bearer and bearer',
    { security: [{ Key: [] }] },
    {
      security: [{ Key: [] }],
      sections: { securitySchemes: { ...SCHEMES.securitySchemes, Key: { type: 'http', scheme: 'Bearer' } } },
    },
  ],
];

const header = (schema: object, required = false) => ({ required, schema });
const INTEGER = { type: 'integer' };

// Response headers are written by the provider and read by the consumer, like the body.
const HEADERS: [string, DocumentParts, DocumentParts, Want[]][] = [
  [
    'an optional header added breaks no one',
    {},
    { headers: { '200': { 'X-Request-Id': header({ type: 'string' }) } } },
    [['property-added', '/responses/200/headers/X-Request-Id', '--']],
  ],
  [
    'a required header added breaks providers that do not send it',
    {},
    { headers: { '200': { 'X-Request-Id': header({ type: 'string' }, true) } } },
    [['required-added', '/responses/200/headers/X-Request-Id', '-P']],
  ],
  [
    'a header removed breaks consumers that read it',
    { headers: { '200': { 'X-Request-Id': header({ type: 'string' }) } } },
    {},
    [['property-removed', '/responses/200/headers/X-Request-Id', 'C-']],
  ],
  [
    'a header made required',
    { headers: { '200': { 'Retry-After': header(INTEGER) } } },
    { headers: { '200': { 'Retry-After': header(INTEGER, true) } } },
    [['required-added', '/responses/200/headers/Retry-After', '-P']],
  ],
  [
    'a header no longer required',
    { headers: { '200': { 'Retry-After': header(INTEGER, true) } } },
    { headers: { '200': { 'Retry-After': header(INTEGER) } } },
    [['required-removed', '/responses/200/headers/Retry-After', 'C-']],
  ],
  [
    "a header's type changed",
    { headers: { '200': { 'Retry-After': header(INTEGER) } } },
    { headers: { '200': { 'Retry-After': header({ type: 'string' }) } } },
    [['type-changed', '/responses/200/headers/Retry-After/schema', 'CP']],
  ],
  [
    "a header's maximum lowered",
    { headers: { '200': { 'Retry-After': header({ ...INTEGER, maximum: 60 }) } } },
    { headers: { '200': { 'Retry-After': header({ ...INTEGER, maximum: 30 }) } } },
    [['constraint-tightened', '/responses/200/headers/Retry-After/schema', '-P']],
  ],
  [
    'a header added to another documented status',
    { statuses: ['429'] },
    { statuses: ['429'], headers: { '429': { 'Retry-After': header(INTEGER, true) } } },
    [['required-added', '/responses/429/headers/Retry-After', '-P']],
  ],
];

const HEADERS_SAME: [string, DocumentParts, DocumentParts][] = [
  [
    'a header name in another case (HTTP names are case-insensitive)',
    { headers: { '200': { 'X-Request-Id': header({ type: 'string' }) } } },
    { headers: { '200': { 'x-request-id': header({ type: 'string' }) } } },
  ],
  [
    'a header by $ref and the same inline',
    { headers: { '200': { 'X-Request-Id': header({ type: 'string' }, true) } } },
    {
      headers: { '200': { 'X-Request-Id': { $ref: '#/components/headers/RequestId' } } },
      sections: { headers: { RequestId: header({ type: 'string' }, true) } },
    },
  ],
];

describe('drift: security requirements', () => {
  for (const [label, from, to, want] of SECURITY) {
    it(label, () => expect(summary(secured(from), secured(to))).to.deep.equal(want));
  }
  for (const [label, from, to] of SECURITY_SAME) {
    it(`no change: ${label}`, () => expect(summary(secured(from), secured(to))).to.deep.equal([]));
  }

  it('names the schemes and where the requirement comes from', () => {
    const [removed, added] = compareOperations(
      documentWith(secured({ documentSecurity: [{ Key: [] }] })),
      documentWith(secured({ security: [{ AdminKey: [] }] })),
      { operation: OPERATION },
    ).changes;
    expect(removed?.message).to.match(/^security Key \(the document's\) no longer accepted: consumers /);
    expect(added?.message).to.match(/^security AdminKey now accepted: providers /);
    expect([removed?.from, removed?.to, added?.from, added?.to]).to.deep.equal([
      { Key: [] },
      null,
      null,
      { AdminKey: [] },
    ]);
  });
});

describe('drift: response headers, for each documented status', () => {
  for (const [label, from, to, want] of HEADERS) {
    it(label, () => expect(summary(from, to)).to.deep.equal(want));
  }
  for (const [label, from, to] of HEADERS_SAME) {
    it(`no change: ${label}`, () => expect(summary(from, to)).to.deep.equal([]));
  }
});
