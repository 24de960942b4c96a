import { createHash } from 'node:crypto';
import { summarize, verdictOf } from '../../src/conformance/verdict.ts';
import { type CheckResult, statusOf } from '../../src/core/check.ts';
import type { Finding } from '../../src/core/finding.ts';
import type {
  ConformanceResult,
  PactRecord,
  Probing,
  ProjectKeys,
} from '../../src/report/conformance-result.ts';
import type { Exchange } from '../../src/transport/exchange.ts';

// ConformanceResults for the report tests, built the way a run builds them (summary and verdict from
// the model's own functions). No key-like strings: the admin key is the placeholder from states.ts.

const sha = (text: string) => createHash('sha256').update(text).digest('hex');
const STARTED = '2025-01-15T10:00:00.000Z';
const FINISHED = '2025-01-15T10:00:04.250Z';
const KEY_PATH = '/organization/projects/proj_abc/api_keys/key_abc';

/** Text a hostile provider could put in a body, and so in a finding message or an excerpt. */
export const HOSTILE = {
  script: '<script>window.__pwned = true</script>',
  /** Quotes, markup, an entity, a pipe, backticks, an escape sequence, a NUL, a form feed, a lone surrogate. */
  message: 'expected "string" but got <b>&amp;</b> | `value` \u001b[31mred\u0000\f end \uD800',
  /** A pointer whose tokens needed RFC 6901 escaping, with a pipe and a backtick in them. */
  pointer: '/owner/a~1b|c`d',
  body: '{"name":"</pre><script>window.__pwned = true</script>","note":"]]> & <!-- -->"}',
} as const;

export const check = (
  name: string,
  category: CheckResult['category'],
  findings: Finding[] = [],
  extra: Partial<CheckResult> = {},
): CheckResult => ({ name, category, status: statusOf(findings), findings, durationMs: 12, ...extra });

export const error = (pointer: string, message: string, keyword?: string): Finding => ({
  pointer,
  message,
  severity: 'error',
  ...(keyword ? { keyword } : {}),
});
const warning = (pointer: string, message: string, keyword?: string): Finding => ({
  ...error(pointer, message, keyword),
  severity: 'warning',
});

/** About the document or the pact, not the target: what the contract checks say of the seed. */
export const note = (pointer: string, message: string, keyword?: string): Finding => ({
  ...error(pointer, message, keyword),
  severity: 'note',
});

/** The contract check every run of the seed carries: its own example is invalid. */
const SEED_EXAMPLE_NOTE = () =>
  check("the spec's own examples validate against their schemas", 'contract', [
    note(
      '/components/schemas/ProjectApiKey/x-oaiMeta/example/owner/user/added_at',
      'example ProjectApiKey: required property "added_at" is missing',
      'required',
    ),
  ]);

const exchange = (
  id: string,
  checkName: string,
  status: number,
  body: string,
  extra: Partial<Exchange> = {},
) =>
  ({
    id,
    check: checkName,
    request: {
      method: 'GET',
      url: `http://127.0.0.1:8080/v1${KEY_PATH}`,
      headers: { authorization: 'Bearer [REDACTED]', accept: 'application/json' },
    },
    response: {
      status,
      headers: { 'content-type': 'application/json', 'x-request-id': `req_${id}` },
      bodyExcerpt: body,
      bodyBytes: body.length,
      truncated: false,
    },
    attempts: [{ startedAt: STARTED, durationMs: 20, status }],
    durationMs: 20,
    ...extra,
  }) satisfies Exchange;

export const resultOf = (
  checks: CheckResult[],
  options: {
    complete?: boolean;
    incompleteReason?: string;
    exchanges?: Exchange[];
    reference?: boolean;
    pacts?: PactRecord[];
    probing?: Probing;
    projectKeys?: ProjectKeys;
  } = {},
): ConformanceResult => {
  const complete = options.complete ?? true;
  return {
    verdict: verdictOf(checks, complete),
    complete,
    ...(options.incompleteReason ? { incompleteReason: options.incompleteReason } : {}),
    summary: summarize(checks),
    target: { baseUrl: 'http://127.0.0.1:8080/v1', reference: options.reference ?? false },
    spec: { path: 'schemas/openapi.yaml', version: '2.3.0', sha256: sha('spec') },
    pacts: options.pacts ?? [
      {
        id: 'consumer',
        path: 'contracts/consumer-provider.json',
        sha256: sha('pact'),
        consumer: 'consumer',
        provider: 'provider',
      },
    ],
    startedAt: STARTED,
    finishedAt: FINISHED,
    ...(options.probing && { probing: options.probing }),
    checks,
    exchanges: options.exchanges ?? [],
    ...(options.projectKeys && { projectKeys: options.projectKeys }),
  };
};

/** Every check passes, one only on its third attempt; the document carries a note. */
export const passing = (): ConformanceResult =>
  resultOf(
    [
      SEED_EXAMPLE_NOTE(),
      check('ProjectApiKey body matches the schema', 'schema', [], { exchangeIds: ['ex-1'] }),
      check('pact interaction: an existing key', 'pact'),
      check('owner.type agrees with the owner present', 'semantic'),
      check('redacted_value masks the key', 'security'),
      check('retries a 503 then succeeds', 'transport', [], { attempts: 3, exchangeIds: ['ex-2'] }),
    ],
    {
      reference: true,
      exchanges: [
        exchange(
          'ex-1',
          'ProjectApiKey body matches the schema',
          200,
          '{"object":"organization.project.api_key"}',
        ),
        exchange('ex-2', 'retries a 503 then succeeds', 200, '{"object":"organization.project.api_key"}', {
          attempts: [
            { startedAt: STARTED, durationMs: 5, status: 503, error: 'HTTP 503', waitMs: 10 },
            { startedAt: STARTED, durationMs: 5, status: 503, error: 'HTTP 503', waitMs: 20 },
            { startedAt: STARTED, durationMs: 5, status: 200 },
          ],
        }),
      ],
    },
  );

/**
 * Failures in several categories (one of them security), a warning, a skip, a retried pass, hostile text, and
 * a note about the document.
 */
export const failing = (): ConformanceResult =>
  resultOf(
    [
      SEED_EXAMPLE_NOTE(),
      check('ProjectApiKey body matches the schema', 'schema', [
        error('/owner/user/added_at', 'required property "added_at" is missing', 'required'),
        warning('/last_used_at', 'property is not declared in the schema', 'additionalProperties'),
      ]),
      check('pact interaction: an unknown key', 'pact', [
        error('/error/code', 'expected "not_found" but got null'),
      ]),
      check('404 for an unknown key', 'contract', [error('', 'expected status 404, got 200')], {
        exchangeIds: ['ex-hostile'],
      }),
      check('redacted_value masks the key', 'security', [
        error('/redacted_value', 'redacted_value is not masked: it looks like a whole project key', 'leak'),
      ]),
      check('owner id prefix', 'semantic', [
        warning('/owner/user/id', 'user id does not start with "user-"'),
      ]),
      check('hostile text is shown as text', 'semantic', [
        error(HOSTILE.pointer, HOSTILE.message),
        error('/name', HOSTILE.script),
      ]),
      check('honours Retry-After on 429', 'transport', [], {
        status: 'skip',
        skipReason: 'the target never answered 429',
      }),
      check('retries a reset connection', 'transport', [], { attempts: 3 }),
      check('created_at is a unix time', 'schema'),
    ],
    {
      exchanges: [
        exchange('ex-hostile', '404 for an unknown key', 200, HOSTILE.body, {
          response: {
            status: 200,
            headers: { 'content-type': 'text/html', 'x-note': HOSTILE.script },
            bodyExcerpt: HOSTILE.body,
            bodyBytes: 9000,
            truncated: true,
          },
        }),
        {
          id: 'ex-refused',
          request: { method: 'GET', url: `http://127.0.0.1:9/v1${KEY_PATH}`, headers: {} },
          attempts: [{ startedAt: STARTED, durationMs: 1, error: 'connect ECONNREFUSED 127.0.0.1:9' }],
          durationMs: 1,
          error: 'connect ECONNREFUSED 127.0.0.1:9',
        },
      ],
    },
  );

/** The run stopped before it could check everything: the verdict is fail whatever passed. */
export const incomplete = (): ConformanceResult =>
  resultOf(
    [
      check('ProjectApiKey body matches the schema', 'schema'),
      check('404 for an unknown key', 'contract', [], { status: 'skip', skipReason: 'run interrupted' }),
    ],
    { complete: false, incompleteReason: 'interrupted by SIGINT after 1 of 2 checks' },
  );

/** A file name a person chose: reports must show it as text. */
export const HOSTILE_SPEC_PATH = 'specs/<b>next</b>|`v`.yaml';

/**
 * A run with --spec today's document and --also-spec the seed's and one more: the verdict (pass) comes
 * from the first row alone, though the target does not conform to the other two.
 */
export const withMatrix = (): ConformanceResult => ({
  ...passing(),
  specMatrix: {
    keys: ['key owned by a user', 'key owned by a service account'],
    rows: [
      {
        spec: {
          path: 'schemas/openai-openapi-f85dbe2.yaml',
          openapi: '3.1.0',
          version: '2.3.0',
          sha256: sha('current'),
        },
        verdict: true,
        cells: [
          { key: 'key owned by a user', conforms: true, errors: 0, warnings: 0, pointers: [] },
          {
            key: 'key owned by a service account',
            conforms: true,
            errors: 0,
            warnings: 1,
            pointers: ['/note'],
          },
        ],
      },
      {
        spec: { path: 'schemas/openapi.yaml', openapi: '3.0.0', version: '2.3.0', sha256: sha('spec') },
        verdict: false,
        cells: [
          {
            key: 'key owned by a user',
            conforms: false,
            errors: 2,
            warnings: 3,
            pointers: ['/owner/user/object', '/owner/user/added_at', '/owner/user/created_at'],
          },
          {
            key: 'key owned by a service account',
            conforms: false,
            errors: 1,
            warnings: 2,
            pointers: ['/owner/service_account/object', '/last_used_at', '/owner_project_access'],
          },
        ],
      },
      {
        spec: { path: HOSTILE_SPEC_PATH, openapi: '3.1.0', version: '9', sha256: sha('hostile') },
        verdict: false,
        cells: [
          {
            key: 'key owned by a user',
            conforms: false,
            errors: 1,
            warnings: 0,
            pointers: [HOSTILE.pointer],
          },
          { key: 'key owned by a service account', conforms: true, errors: 0, warnings: 0, pointers: [] },
        ],
      },
    ],
  },
});

/** Two pacts, one pending from a broker; the same check name under each, and the document's own check. */
export const severalPacts = (): ConformanceResult =>
  resultOf(
    [
      check("the spec's own examples validate", 'contract', [note('/x', 'example lacks added_at')]),
      check('a request for a key', 'pact', [], { pact: 'web' }),
      check('key owned by a user: body is a ProjectApiKey', 'schema', [], { pact: 'web' }),
      check(
        'a request for a key',
        'pact',
        [warning('', 'pending pact: its failure does not fail the verification', 'pending')],
        {
          pact: 'cli',
        },
      ),
      check(
        'key owned by a user: body is a ProjectApiKey',
        'schema',
        [error('/id', 'not the key asked for')],
        {
          pact: 'cli',
        },
      ),
    ],
    {
      pacts: [
        { id: 'web', path: 'pacts/web.json', sha256: sha('web'), consumer: 'web', provider: 'provider' },
        {
          id: 'cli',
          path: 'pacts/cli.json',
          sha256: sha('cli'),
          consumer: 'cli',
          provider: 'provider',
          consumerVersion: '1.4.0',
          url: 'https://broker.example.test/pacts/provider/provider/consumer/cli/version/1.4.0',
          pending: true,
          selectedBecause: 'latest from main branch',
          notices: ['This pact is in pending state for this version of provider.'],
          publication: {
            published: true,
            success: false,
            providerVersion: 'pv1',
            providerBranch: 'main',
            url: 'https://broker.example.test/pacts/provider/provider/consumer/cli/pact-version/abc/verification-results/7',
          },
        },
      ],
    },
  );

/** The one pact a broker gave (say, a webhook's): a group of its own, linked, though it is the only one. */
export const oneBrokerPact = (): ConformanceResult =>
  resultOf(
    passing().checks.map((c) => ({ ...c, pact: 'cli@1.4.0' })),
    {
      pacts: [
        {
          id: 'cli@1.4.0',
          path: '/tmp/broker-pacts-x/01-cli-1.4.0.json',
          sha256: sha('cli'),
          consumer: 'cli',
          provider: 'provider',
          consumerVersion: '1.4.0',
          url: 'https://broker.example.test/pacts/provider/provider/consumer/cli/version/1.4.0',
          pending: false,
          wip: false,
          publication: {
            published: false,
            success: true,
            providerVersion: 'pv1',
            error: 'Pact Broker https://broker.example.test: cannot connect (connection refused)',
          },
        },
      ],
    },
  );

/** A broker with no pact to verify: no pact, no check, the verdict failed with the reason. */
export const nothingVerified = (): ConformanceResult =>
  resultOf([], {
    pacts: [],
    incompleteReason:
      'Pact Broker https://broker.example.test has no pact for provider matching the consumer version selectors [{"branch":"x"}]: nothing was verified',
  });

/** A run whose probes found a 500: the probe checks, the seed and the smallest failing request. */
export const PROBE_SEED = 3141592653;
export const probed = (): ConformanceResult =>
  resultOf(
    [
      check('ProjectApiKey body matches the schema', 'schema'),
      check('probes: no 5xx for any generated request', 'probe', [
        {
          ...error(
            '',
            `smallest failing request: GET ${KEY_PATH}%C3%A9 (the admin key; headers: authorization, accept) → 500: answered status 500 (shrunk in 4 steps; replay: --seed ${PROBE_SEED} --probes 40)`,
          ),
          keyword: 'smallest',
        },
        error(
          '',
          `probe 2: GET ${KEY_PATH}%F0%9F%98%80 (the admin key; headers: authorization, accept) → 500: answered status 500`,
          'not-a-server-error',
        ),
      ]),
      check('probes: a HEAD answer has no body', 'probe', [], {
        status: 'skip',
        skipReason: 'no HEAD request was answered',
      }),
    ],
    {
      probing: {
        seed: PROBE_SEED,
        probes: 40,
        sent: 38,
        answered: 38,
        rateLimited: 0,
        shrinkRequests: 4,
        replay: `--seed ${PROBE_SEED} --probes 40`,
        failures: [
          {
            rule: 'not-a-server-error',
            method: 'GET',
            path: `${KEY_PATH}%C3%A9`,
            headers: ['authorization', 'accept'],
            auth: 'the admin key',
            status: 500,
            message: 'answered status 500',
            probe: 2,
            shrinks: 4,
          },
        ],
      },
    },
  );

/** A run that discovered its key ids and swept 20,000 keys: checks over many, one key failing, a hostile id. */
export const swept = (): ConformanceResult =>
  resultOf(
    [
      check('ProjectApiKey body matches the schema', 'schema'),
      check("sweep: the project's list: its cursor and has_more hold", 'list', [], {
        tally: { unit: 'pages', judged: 200, failed: 0, warned: 0, skipped: 0, findings: 0 },
      }),
      check(
        'sweep: every listed key is retrieved as listed',
        'list',
        [
          error(
            '/name',
            `key_${HOSTILE.message}: retrieved "Deploy", the list shows "Deploy (renamed)"`,
            'listAgreement',
          ),
        ],
        { tally: { unit: 'keys', judged: 20_000, failed: 1, warned: 0, skipped: 2, findings: 1 } },
      ),
    ],
    {
      projectKeys: {
        projectId: 'proj_abc',
        list: {
          operation: 'GET /organization/projects/{project_id}/api_keys',
          document: 'schemas/openai-openapi-f85dbe2.yaml',
          note: 'the --spec document schemas/openapi.yaml has no list operation',
        },
        ids: [
          {
            state: 'key owned by a user',
            id: 'key_user',
            source: 'list',
            detail: 'discovered: page 1, entry 1 of the list',
          },
          { state: 'key owned by a service account', source: 'none', detail: `no key: ${HOSTILE.message}` },
        ],
        discovery: { pages: 1, keysRead: 100 },
        sweep: {
          maxKeys: 20_000,
          concurrency: 4,
          pages: 200,
          listed: 20_000,
          retrieved: 20_000,
          failedKeys: 1,
          durationMs: 25_000,
          keysPerSecond: 800,
          exchangesNotKept: 19_979,
        },
      },
    },
  );

export const FIXTURES: [name: string, build: () => ConformanceResult][] = [
  ['passing', passing],
  ['failing', failing],
  ['incomplete', incomplete],
  ['with a spec matrix', withMatrix],

  ['several pacts', severalPacts],
  ['one pact from a broker', oneBrokerPact],
  ['nothing verified', nothingVerified],
  ['probed', probed],
  ['swept', swept],
];
