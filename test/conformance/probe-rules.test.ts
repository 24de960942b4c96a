import { expect } from 'chai';
import type { ProbeRequest } from '../../src/conformance/probe-requests.ts';
import {
  internalsIn,
  isErrorResponse,
  PROBE_RULES,
  type ProbeOutcome,
} from '../../src/conformance/probe-rules.ts';
import { contextOf, errorJson, outcomeOf, requestOf, USER_KEY } from './probe-fixtures.ts';

// Each probe rule over one request and its answer: undefined when the rule does not apply, no finding
// when it holds, its keyword when it is broken.

const ruleNamed = (id: string) => {
  const rule = PROBE_RULES.find((r) => r.id === id);
  if (!rule) throw new Error(`no rule ${id}`);
  return rule;
};
const KEY_BODY = JSON.stringify({ object: 'organization.project.api_key', id: USER_KEY });

type Case = [
  label: string,
  rule: string,
  request: Partial<ProbeRequest>,
  outcome: ProbeOutcome,
  want: 'n/a' | 'holds' | string,
];

const CASES: Case[] = [
  ['no answer', 'answered', {}, outcomeOf(undefined, '', { failure: 'connection reset' }), 'answered'],
  ['an answer', 'answered', {}, outcomeOf(404, errorJson()), 'holds'],
  ['a 500', 'not-a-server-error', {}, outcomeOf(500, errorJson()), 'not-a-server-error'],
  ['a 404', 'not-a-server-error', {}, outcomeOf(404, errorJson()), 'holds'],
  ['no answer, for no 5xx', 'not-a-server-error', {}, outcomeOf(undefined), 'n/a'],
  [
    'a 200 with no Authorization header',
    'no-2xx-when-not-valid',
    { auth: { kind: 'none' } },
    outcomeOf(200, KEY_BODY),
    'no-2xx-when-not-valid',
  ],
  [
    'a 200 under another project',
    'no-2xx-when-not-valid',
    { projectId: 'proj_other' },
    outcomeOf(200, KEY_BODY),
    'no-2xx-when-not-valid',
  ],
  ['a 200 for a valid request', 'no-2xx-when-not-valid', {}, outcomeOf(200, KEY_BODY), 'n/a'],
  [
    'a 401 with no Authorization header',
    'no-2xx-when-not-valid',
    { auth: { kind: 'none' } },
    outcomeOf(401, errorJson()),
    'holds',
  ],
  [
    'a 404 for a key appended to the admin key',
    'credentials-refused',
    { auth: { kind: 'appended', character: 'x' } },
    outcomeOf(404, errorJson()),
    'credentials-refused',
  ],
  [
    'a 403 for a project key',
    'credentials-refused',
    { auth: { kind: 'project-key', token: 'sk-proj-X' } },
    outcomeOf(403, errorJson()),
    'holds',
  ],
  [
    'a 400 for two Authorization headers',
    'credentials-refused',
    { auth: { kind: 'two-headers', other: 'x', adminFirst: true } },
    outcomeOf(400, errorJson()),
    'holds',
  ],
  [
    'a 400 for "Bearer" alone',
    'credentials-refused',
    { auth: { kind: 'empty-bearer', value: 'Bearer' } },
    outcomeOf(400, errorJson()),
    'credentials-refused',
  ],
  [
    'DELETE with no credentials, for the credentials rule',
    'credentials-refused',
    { method: 'DELETE', auth: { kind: 'none' } },
    outcomeOf(405, errorJson()),
    'n/a',
  ],
  [
    'a 200 for a case variant',
    'unknown-id-refused',
    { keyId: USER_KEY.toUpperCase() },
    outcomeOf(200, KEY_BODY),
    'unknown-id-refused',
  ],
  [
    'a 400 for an id with a space',
    'unknown-id-refused',
    { keyId: `${USER_KEY} ` },
    outcomeOf(400, errorJson()),
    'holds',
  ],
  ['a 414 for an 8 KB id', 'unknown-id-refused', { keyId: 'k'.repeat(8192) }, outcomeOf(414, ''), 'holds'],
  [
    'a 414 for a short id',
    'unknown-id-refused',
    { keyId: 'key_x' },
    outcomeOf(414, ''),
    'unknown-id-refused',
  ],
  [
    'an unknown id with no credentials, for the id rule',
    'unknown-id-refused',
    { keyId: 'key_x', auth: { kind: 'none' } },
    outcomeOf(401, errorJson()),
    'n/a',
  ],
  ['a 404 in plain text', 'error-shape', { keyId: 'key_x' }, outcomeOf(404, 'Not Found'), 'error-shape'],
  [
    'a 404 without param and code',
    'error-shape',
    { keyId: 'key_x' },
    outcomeOf(404, '{"error":{"message":"x","type":"y"}}'),
    'error-shape',
  ],
  ['a 404 in OpenAI’s shape', 'error-shape', { keyId: 'key_x' }, outcomeOf(404, errorJson()), 'holds'],
  ['a 404 to HEAD, for the shape', 'error-shape', { method: 'HEAD' }, outcomeOf(404, ''), 'n/a'],
  ['an echoed key', 'no-leaks', {}, outcomeOf(401, errorJson(), { echoes: ['body'] }), 'secretEchoed'],
  [
    'a 200 that echoes the key',
    'no-leaks',
    {},
    outcomeOf(200, KEY_BODY, { echoes: ['header x-debug'] }),
    'secretEchoed',
  ],
  [
    'a stack trace',
    'no-leaks',
    { keyId: 'key_x' },
    outcomeOf(404, errorJson('oops\n    at find (/srv/app/keys.js:4:2)')),
    'internals',
  ],
  [
    'an SQL fragment',
    'no-leaks',
    { keyId: 'key_x' },
    outcomeOf(500, errorJson('SELECT * FROM api_keys WHERE id = 1')),
    'internals',
  ],
  [
    'a plain 404',
    'no-leaks',
    { keyId: 'key_x' },
    outcomeOf(404, errorJson("No API key found with id 'key_x'.")),
    'holds',
  ],
  [
    'another key’s body',
    'key-is-the-one-requested',
    { keyId: USER_KEY.toLowerCase() },
    outcomeOf(200, KEY_BODY),
    'identity',
  ],
  ['a 200 with no id', 'key-is-the-one-requested', {}, outcomeOf(200, '{}'), 'identity'],
  ['the key asked for', 'key-is-the-one-requested', {}, outcomeOf(200, KEY_BODY), 'holds'],
  ['a 404, for the identity rule', 'key-is-the-one-requested', {}, outcomeOf(404, errorJson()), 'n/a'],
  [
    'a HEAD answer with bytes after it',
    'head-has-no-body',
    { method: 'HEAD' },
    outcomeOf(200, '', { failure: 'malformed HTTP response (HPE_INVALID_CONSTANT)' }),
    'head-has-no-body',
  ],
  [
    'a HEAD answer with a body',
    'head-has-no-body',
    { method: 'HEAD' },
    outcomeOf(200, KEY_BODY),
    'head-has-no-body',
  ],
  ['a HEAD answer without one', 'head-has-no-body', { method: 'HEAD' }, outcomeOf(200, ''), 'holds'],
  ['a GET, for the HEAD rule', 'head-has-no-body', {}, outcomeOf(200, KEY_BODY), 'n/a'],
];

describe('probe rules', () => {
  for (const [label, id, request, outcome, want] of CASES) {
    it(`${id}: ${label} → ${want}`, () => {
      const findings = ruleNamed(id).judge(requestOf(request), outcome, contextOf());
      if (want === 'n/a') expect(findings).to.equal(undefined);
      else if (want === 'holds') expect(findings).to.deep.equal([]);
      else {
        expect(findings?.map((f) => f.keyword)).to.include(want);
        expect(findings?.every((f) => f.message.length > 0)).to.equal(true);
      }
    });
  }

  it('have unique ids and say why they have nothing to judge', () => {
    expect(new Set(PROBE_RULES.map((r) => r.id)).size).to.equal(PROBE_RULES.length);
    for (const rule of PROBE_RULES) expect(rule.nothingToJudge, rule.id).to.match(/^no /);
  });

  const leaks: [string, string][] = [
    ['a Node.js frame', 'Error: x\n    at Object.<anonymous> (/home/app/server.js:10:5)'],
    ['a node: frame', 'at async Promise.all (node:internal/process/task_queues:95:5)'],
    ['a Python traceback', 'Traceback (most recent call last):\n  File "/app/main.py", line 3, in <module>'],
    ['a Java frame', 'at com.example.keys.KeyService.find(KeyService.java:42)'],
    ['a Go panic', 'goroutine 1 [running]:\nmain.main()'],
    ['a .NET frame', 'at Keys.Find() in C:\\src\\Keys.cs:line 12'],
    ['a PHP trace', 'Stack trace:\n#0 /var/www/index.php(12): find()'],
    ['a server path', 'cannot open /usr/lib/node/keys.db'],
    ['a Windows path', 'failed in C:\\inetpub\\wwwroot\\keys.dll'],
    ['node_modules', 'thrown in express/node_modules/router'],
    ['a source file and line', 'see keys.ts:42'],
    ['a SELECT', 'SELECT id FROM api_keys WHERE project = $1'],
    ['a Postgres error', 'syntax error at or near "WHERE"'],
    ['an SQLSTATE', 'SQLSTATE[42000]: bad query'],
    ['an Oracle error', 'ORA-00942: table or view does not exist'],
  ];
  for (const [label, message] of leaks) {
    it(`finds ${label} in an error body, at its pointer`, () => {
      const findings = internalsIn(errorJson(message), requestOf({ keyId: 'key_x' }), outcomeOf(404).url);
      expect(findings.map((f) => f.pointer)).to.deep.equal(['/error/message']);
    });
  }

  const clean: [string, string, Partial<ProbeRequest>][] = [
    [
      'the real service’s 401',
      'Incorrect API key provided. Admin keys are listed at https://platform.openai.com/settings/organization/admin-keys.',
      {},
    ],
    [
      'an id quoted back',
      "No API key found with id 'key_/usr/lib/x.js:1:2'.",
      { keyId: 'key_/usr/lib/x.js:1:2' },
    ],
    ['the path quoted back', 'Invalid URL (GET /app/v1/organization/projects/p/api_keys/k)', {}],
    ['English that says select and from', 'Please select a key from the list.', {}],
  ];
  for (const [label, message, request] of clean) {
    it(`finds nothing in ${label}`, () => {
      const url = 'http://127.0.0.1:9/app/v1/organization/projects/p/api_keys/k';
      expect(internalsIn(errorJson(message), requestOf(request), url)).to.deep.equal([]);
    });
  }

  it('reads a body that is not JSON as text', () => {
    expect(internalsIn('<pre>at f (/srv/x.js:1:1)</pre>', requestOf(), outcomeOf(500).url)).to.have.length(1);
  });

  it('takes OpenAI’s ErrorResponse: param and code present, string or null', () => {
    expect(isErrorResponse({ error: { message: 'm', type: 't', param: null, code: 'c' } })).to.equal(true);
    expect(isErrorResponse({ error: { message: 'm', type: 't', param: 1, code: null } })).to.equal(false);
    expect(isErrorResponse({ error: 'm' })).to.equal(false);
  });
});
