import { expect } from 'chai';
import {
  checkInvalidAdminKey,
  checkRetrievedKey,
  checkUnknownKey,
  type LiveContext,
  type LiveOutcome,
} from '../../src/conformance/live-checks.ts';
import { ownerKinds } from '../../src/conformance/semantic.ts';
import { sampleOfComponent } from '../../src/openapi/sample.ts';
import { validatorsFor } from '../../src/openapi/validators.ts';
import { drop, edited, seed } from '../helpers.ts';

const kinds = ownerKinds(seed.document);
const context: LiveContext = {
  validators: validatorsFor(seed.document),
  ownerKinds: kinds,
  strict: false,
};
const [userKind, otherKind] = kinds as [string, string];
const userKey = edited(
  sampleOfComponent('ProjectApiKey', seed.document),
  ['/owner/type', userKind],
  [`/owner/${otherKind}`, drop],
  ['/id', 'key_user'],
  ['/redacted_value', `sk-proj-${'*'.repeat(30)}abcd`],
);
type Response = Extract<LiveOutcome, { kind: 'response' }>;
const json = (body: unknown, status = 200, contentType = 'application/json'): Response => ({
  kind: 'response',
  url: 'http://127.0.0.1:1/v1/organization/projects/proj_a/api_keys/key_user',
  status,
  headers: { 'content-type': contentType },
  text: typeof body === 'string' ? body : JSON.stringify(body),
  attempts: 1,
  exchangeIds: ['ex-1'],
  echoes: [],
});
const failing = (findings: { category: string; status: string; findings: { pointer: string }[] }[]) =>
  findings.filter((c) => c.status === 'fail').map((c) => [c.category, c.findings.map((f) => f.pointer)]);

describe('live checks of a retrieved key', () => {
  const cases: { description: string; outcome: LiveOutcome; want: [string, string[]][] }[] = [
    { description: 'a conforming key', outcome: json(userKey), want: [] },
    {
      description: 'owner.type outside its enum',
      outcome: json(edited(userKey, ['/owner/type', 'robot'])),
      want: [['schema', ['/owner/type']]],
    },
    {
      description: 'redacted_value missing',
      outcome: json(edited(userKey, ['/redacted_value', drop])),
      want: [['schema', ['/redacted_value']]],
    },
    {
      description: 'a whole key in redacted_value',
      outcome: json(edited(userKey, ['/redacted_value', `sk-proj-${'Zz9'.repeat(15)}`])),
      want: [['security', ['/redacted_value']]],
    },
    {
      description: 'another key than the one requested',
      outcome: json(edited(userKey, ['/id', 'key_other'])),
      want: [['semantic', ['/id']]],
    },
    {
      description: 'the admin key echoed (the transport noted where)',
      outcome: { ...json(userKey), echoes: ['header x-debug'] },
      want: [['security', ['']]],
    },
    {
      description: 'a key twice in one object, the first another id',
      outcome: json(`{"id":"key_other",${JSON.stringify(userKey).slice(1)}`),
      want: [['transport', ['/id']]],
    },
    {
      description: 'HTML with status 200',
      outcome: json('<!DOCTYPE html><html><body>maintenance</body></html>', 200, 'text/html'),
      want: [['transport', ['', '']]],
    },
    {
      description: 'a 500',
      outcome: json({ error: { message: 'boom', type: 'server_error' } }, 500),
      want: [['transport', ['']]],
    },
    {
      description: 'no response at all',
      outcome: {
        kind: 'failure',
        message: 'connection refused by 127.0.0.1:9',
        attempts: 3,
        exchangeIds: [],
        echoes: [],
      },
      want: [['transport', ['']]],
    },
  ];
  for (const { description, outcome, want } of cases) {
    it(description, () => {
      const checks = checkRetrievedKey('userKey', 'key_user', outcome, context);
      expect(checks.map((c) => c.category)).to.deep.equal(['transport', 'schema', 'semantic', 'security']);
      expect(failing(checks)).to.deep.equal(want);
    });
  }

  it('names what was received when the body is not JSON, and skips the body checks with a reason', () => {
    const checks = checkRetrievedKey(
      'userKey',
      'key_user',
      json('<html>oops</html>', 200, 'text/html'),
      context,
    );
    expect(checks[0]?.findings.map((f) => f.message).join(' '))
      .to.contain('text/html')
      .and.contain('<html>oops</html>');
    const reason = 'status 200 with an HTML page ("text/html") instead of a key body';
    expect(checks.slice(1).map((c) => [c.status, c.skipReason])).to.deep.equal([
      ['skip', reason],
      ['skip', reason],
      ['skip', reason],
    ]);
  });

  // What came back instead of a key body, in the skip reason of the body checks (and so in the verdict's).
  const instead: [string, LiveOutcome, string][] = [
    ['an empty 200', json('', 200), 'status 200 with an empty body instead of a key body'],
    [
      'a 200 that is not JSON',
      json('key: value', 200, 'text/plain'),
      'status 200 with a body that is not JSON ("text/plain") instead of a key body',
    ],
    [
      'HTML served as JSON',
      json('<html><body>sign in</body></html>', 200),
      'status 200 with an HTML page ("application/json") instead of a key body',
    ],
    [
      'a key twice in one object',
      json(`{"id":"key_other",${JSON.stringify(userKey).slice(1)}`),
      'status 200 with a body that holds a key twice in one object instead of a key body',
    ],
    [
      'a redirect not followed',
      { ...json('', 302, 'text/plain'), headers: { location: 'https://sso.example/login' } },
      'status 302, a redirect that was not followed, instead of a key body',
    ],
    ['a 404', json({ error: { message: 'no', type: 'x' } }, 404), 'status 404 instead of a key body'],
    [
      'no response',
      { kind: 'failure', message: 'connection refused', attempts: 1, exchangeIds: [], echoes: [] },
      'no response to check',
    ],
  ];
  for (const [description, outcome, reason] of instead) {
    it(`says what came back instead of a key body: ${description}`, () => {
      const checks = checkRetrievedKey('userKey', 'key_user', outcome, context);
      expect(checks.find((c) => c.category === 'schema')?.skipReason).to.equal(reason);
    });
  }

  it('quotes a long body cut short, never inside a key-shaped run, so no half of a secret survives', () => {
    const key = `sk-admin-${'Q'.repeat(48)}`;
    for (const at of [150, 190, 199]) {
      const text = `${'<p>'.repeat(Math.ceil(at / 3)).slice(0, at)}${key} and more ${'x '.repeat(200)}`;
      const [transport] = checkRetrievedKey('userKey', 'key_user', json(text, 200, 'text/html'), context);
      const message = transport?.findings.map((f) => f.message).join(' ') ?? '';
      expect(message, `key at ${at}`).to.match(/characters, truncated\)/);
      expect(message, `key at ${at}`).not.to.match(/sk-|QQQQ/);
    }
  });

  it('fails security when a request is redirected to another origin, and not for a same-origin one', () => {
    const redirect = (location: string): LiveOutcome => ({
      ...json('', 302, 'text/plain'),
      headers: { location },
    });
    const away = checkRetrievedKey('userKey', 'key_user', redirect('http://other.test:2/steal'), context);
    expect(away.find((c) => c.category === 'security')?.status).to.equal('fail');
    expect(away.find((c) => c.category === 'security')?.findings[0]?.message).to.contain(
      'http://other.test:2',
    );
    const home = checkRetrievedKey('userKey', 'key_user', redirect('/v1/elsewhere'), context);
    expect(home.find((c) => c.category === 'security')?.status).to.equal('skip');
  });

  // The ids of --user-key-id and --service-account-key-id swapped: each body is sound, only the flag is wrong.
  const swapped: [state: 'userKey' | 'serviceAccountKey', owner: string, flag: RegExp][] = [
    ['serviceAccountKey', userKind, /given as --service-account-key-id.*owned by a service account/],
    ['userKey', otherKind, /given as --user-key-id.*owned by a user/],
  ];
  for (const [state, owner, flag] of swapped) {
    it(`fails the semantic check at /owner/type, naming the flag, when a ${state} body is owned by ${owner}`, () => {
      const body = edited(
        sampleOfComponent('ProjectApiKey', seed.document),
        ['/owner/type', owner],
        ...kinds.filter((k) => k !== owner).map((k) => [`/owner/${k}`, drop] as [string, unknown]),
        ['/id', 'key_x'],
        ['/redacted_value', 'sk-abc...def'],
      );
      const checks = checkRetrievedKey(state, 'key_x', json(body), context);
      expect(failing(checks)).to.deep.equal([['semantic', ['/owner/type']]]);
      const finding = checks.find((c) => c.category === 'semantic')?.findings[0];
      expect(finding?.keyword).to.equal('ownerType');
      expect(finding?.message)
        .to.match(flag)
        .and.match(/swapped/);
      const right = state === 'userKey' ? 'serviceAccountKey' : 'userKey';
      expect(failing(checkRetrievedKey(right, 'key_x', json(body), context))).to.deep.equal([]);
    });
  }

  it('grades undeclared properties as warnings, and errors with --strict', () => {
    const extra = json(edited(userKey, ['/last_used_at', 1]));
    expect(checkRetrievedKey('userKey', 'key_user', extra, context)[1]?.status).to.equal('warn');
    expect(checkRetrievedKey('userKey', 'key_user', extra, { ...context, strict: true })[1]?.status).to.equal(
      'fail',
    );
  });
});

describe('live checks of error answers', () => {
  const errorBody = { error: { message: 'No such key', type: 'invalid_request_error' } };
  const unknown: [string, LiveOutcome, string][] = [
    ['404 with the error body', json(errorBody, 404), 'pass'],
    ['404 with another body', json({ detail: 'nope' }, 404), 'warn'],
    ['200 for a key that cannot exist', json(userKey, 200), 'fail'],
  ];
  for (const [description, outcome, status] of unknown) {
    it(`unknown key: ${description} → ${status}`, () => {
      expect(checkUnknownKey(outcome)[0]?.status).to.equal(status);
    });
  }

  it('fails security when an error answer echoes the key sent, on any state, and says where', () => {
    const echoed = { ...json(errorBody, 404), echoes: ['body', 'header location'] };
    const [, security] = checkUnknownKey(echoed);
    expect([security?.category, security?.status]).to.deep.equal(['security', 'fail']);
    expect(security?.findings[0]?.message).to.match(/\(body, header location\)/);
    expect(checkUnknownKey(json(errorBody, 404))[1]?.status).to.equal('pass');
    expect(checkInvalidAdminKey({ ...json(errorBody, 401), echoes: ['body'] })[0]?.status).to.equal('fail');
    const refused = checkRetrievedKey(
      'userKey',
      'key_user',
      { ...json(errorBody, 401), echoes: ['body'] },
      context,
    );
    expect(refused.find((c) => c.category === 'security')?.status).to.equal('fail');
  });

  const invalid: [string, LiveOutcome, string][] = [
    ['401', json(errorBody, 401), 'pass'],
    ['403', json(errorBody, 403), 'pass'],
    ['200: auth not enforced', json(userKey, 200), 'fail'],
    ['500', json(errorBody, 500), 'fail'],
  ];
  for (const [description, outcome, status] of invalid) {
    it(`invalid admin key: ${description} → ${status}`, () => {
      const [result] = checkInvalidAdminKey(outcome);
      expect(result?.category).to.equal('security');
      expect(result?.status).to.equal(status);
    });
  }
});
