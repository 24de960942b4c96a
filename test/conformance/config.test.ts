import { expect } from 'chai';
import {
  DEFAULT_MAX_TIME_MS,
  DEFAULT_PACT_PATH,
  parseRunConfig,
  type RunConfig,
} from '../../src/conformance/config.ts';
import { UsageError } from '../../src/core/usage.ts';
import { DEFAULT_SPEC_PATH } from '../../src/openapi/default-path.ts';

const ADMIN = { OPENAI_ADMIN_KEY: 'sk-admin-EXAMPLE' };
const parse = (argv: string[], env: NodeJS.ProcessEnv = {}) => parseRunConfig(argv, env) as RunConfig;

describe('conformance configuration', () => {
  it('defaults to the reference provider, the committed pact and the seed document', () => {
    const config = parse([]);
    expect(config).to.include({
      baseUrl: undefined,
      reportDir: 'reports',
      retries: 2,
      strict: false,
      specPath: DEFAULT_SPEC_PATH,
      referenceShape: 'seed',
      maxTimeMs: DEFAULT_MAX_TIME_MS,
    });
    expect(config.pacts).to.deep.equal([{ path: DEFAULT_PACT_PATH }]);
    expect(config.alsoSpecPaths).to.deep.equal([]);
  });

  it('takes --also-spec as often as it is given, in order', () => {
    expect(parse(['--also-spec', 'a.yaml', '--also-spec', 'b.yaml']).alsoSpecPaths).to.deep.equal([
      'a.yaml',
      'b.yaml',
    ]);
  });

  it('takes --reference-shape current for the bundled reference provider', () => {
    expect(parse(['--reference-shape', 'current']).referenceShape).to.equal('current');
  });

  it('takes several pacts, verified in the order given', () => {
    expect(parse(['--pact', 'a.json', '--pact', 'b.json']).pacts).to.deep.equal([
      { path: 'a.json' },
      { path: 'b.json' },
    ]);
  });

  it('takes the whole run’s deadline from --max-time', () => {
    expect(parse(['--max-time', '60000']).maxTimeMs).to.equal(60_000);
  });

  it('keeps a base URL path prefix and drops a trailing slash', () => {
    expect(parse(['--base-url', 'https://api.openai.com/v1/'], ADMIN).baseUrl).to.equal(
      'https://api.openai.com/v1',
    );
  });

  it('reads a long run of slashes in a base URL once (a quadratic trim took seconds)', () => {
    const slashes = '/'.repeat(200_000);
    expect(parse(['--base-url', `http://127.0.0.1:9/v1${slashes}`], ADMIN).baseUrl).to.equal(
      'http://127.0.0.1:9/v1',
    );
    expect(parse(['--base-url', `http://127.0.0.1:9/${slashes}v1`], ADMIN).baseUrl).to.equal(
      `http://127.0.0.1:9/${slashes}v1`,
    );
  });

  it('takes the admin key from the environment', () => {
    expect(parse(['--base-url', 'http://127.0.0.1:9'], ADMIN).adminKey).to.equal(ADMIN.OPENAI_ADMIN_KEY);
  });

  const bad: [string, string[], NodeJS.ProcessEnv, RegExp][] = [
    ['a base URL without the admin key', ['--base-url', 'http://127.0.0.1:9'], {}, /OPENAI_ADMIN_KEY/],
    [
      'a blank admin key',
      ['--base-url', 'http://127.0.0.1:9'],
      { OPENAI_ADMIN_KEY: '  ' },
      /OPENAI_ADMIN_KEY/,
    ],
    ['a base URL that is not a URL', ['--base-url', 'not a url'], ADMIN, /not a URL/],
    ['a base URL of another scheme', ['--base-url', 'ftp://example.test'], ADMIN, /http or https/],
    ['credentials in the base URL', ['--base-url', 'https://u:p@example.test'], ADMIN, /credentials/],
    ['an admin key flag', ['--admin-key', 'x'], {}, /admin-key/],
    ['an unknown flag', ['--verbose'], {}, /--verbose/],
    ['a timeout that is not a number', ['--timeout', 'soon'], {}, /--timeout/],
    ['a zero timeout', ['--timeout', '0'], {}, /--timeout/],
    ['negative retries', ['--retries', '-1'], {}, /--retries/],
    ['a deadline that is not a number', ['--max-time', 'later'], {}, /--max-time/],
    ['a zero deadline', ['--max-time', '0'], {}, /--max-time/],
    ['an empty id', ['--project-id', ''], {}, /--project-id is empty/],
    ['an unknown reference shape', ['--reference-shape', 'next'], {}, /seed or current, not "next"/],
    [
      'a reference shape with a base URL',
      ['--reference-shape', 'current', '--base-url', 'http://127.0.0.1:9'],
      ADMIN,
      /cannot go with --base-url/,
    ],
    // Ranges a timer and a retry loop can honour.
    [
      'a timeout past what a timer holds',
      ['--timeout', '715787883'],
      {},
      /--timeout must be .* from 1 to 600000/,
    ],
    ['a timeout of more digits than a number holds', ['--timeout', '9'.repeat(400)], {}, /--timeout/],
    [
      'a hundred thousand retries',
      ['--retries', '100000'],
      {},
      /--retries must be a whole number from 0 to 10/,
    ],
    ['eleven retries', ['--retries', '11'], {}, /--retries/],
    ['a fractional timeout', ['--timeout', '1.5'], {}, /--timeout/],
    // An admin key a header cannot carry unchanged; the message never repeats it.
    [
      'an admin key ending in a newline',
      [],
      { OPENAI_ADMIN_KEY: 'sk-admin-EXAMPLE\n' },
      /OPENAI_ADMIN_KEY contains a line break \(character 17 of 17\)/,
    ],
    [
      'an admin key with a space inside',
      [],
      { OPENAI_ADMIN_KEY: 'sk-admin EXAMPLE' },
      /OPENAI_ADMIN_KEY contains a space \(character 9 of 16\)/,
    ],
    [
      'an admin key with a leading tab',
      [],
      { OPENAI_ADMIN_KEY: '\tsk-admin-EXAMPLE' },
      /OPENAI_ADMIN_KEY contains a tab/,
    ],
    [
      'an admin key with a control character',
      [],
      { OPENAI_ADMIN_KEY: 'sk-admin-\u0000EXAMPLE' },
      /OPENAI_ADMIN_KEY contains a control character/,
    ],
    [
      'an admin key with a typographic dash',
      [],
      { OPENAI_ADMIN_KEY: 'sk\u2013admin-EXAMPLE' },
      /OPENAI_ADMIN_KEY contains a non-ASCII character \(character 3/,
    ],
    [
      'an admin key with a non-breaking space',
      [],
      { OPENAI_ADMIN_KEY: 'sk-admin-EXAMPLE\u00a0' },
      /OPENAI_ADMIN_KEY contains whitespace/,
    ],
    // Ids are one path segment each.
    [
      'a user key id of "."',
      ['--user-key-id', '.'],
      {},
      /--user-key-id is "\.", which would name another path/,
    ],
    [
      'a service-account key id of ".."',
      ['--service-account-key-id', '..'],
      {},
      /--service-account-key-id is "\.\."/,
    ],
    ['a project id of only spaces', ['--project-id', '   '], {}, /--project-id is empty/],
    [
      'an id with a line break',
      ['--user-key-id', 'key_abc\nx'],
      {},
      /--user-key-id contains a control character \(character 8\)/,
    ],
    ['an id with DEL', ['--project-id', 'proj_\u007f'], {}, /--project-id contains a control character/],
    [
      'an id with a C1 control',
      ['--project-id', 'proj_\u0085'],
      {},
      /--project-id contains a control character/,
    ],
    [
      'an id with an unpaired surrogate',
      ['--user-key-id', 'key_\uD800'],
      {},
      /--user-key-id is not valid Unicode/,
    ],
    ['an empty report dir', ['--report-dir', ''], {}, /--report-dir is empty/],
    // Probing: how many, from which seed, under which other project.
    [
      'more than 1000 probes',
      ['--probes', '1001'],
      {},
      /--probes must be a whole number from 0 to 1000, not "1001"/,
    ],
    ['negative probes', ['--probes=-1'], {}, /--probes must be a whole number from 0 to 1000, not "-1"/],
    ['probes that are not a number', ['--probes', 'many'], {}, /--probes must be a whole number/],
    [
      'a seed that is not an integer',
      ['--seed', '1.5'],
      {},
      /--seed must be a whole number from 0 to 4294967295/,
    ],
    [
      'a seed past 32 bits',
      ['--seed', '4294967296'],
      {},
      /--seed must be a whole number from 0 to 4294967295/,
    ],
    ['an empty other project id', ['--other-project-id', ' '], {}, /--other-project-id is empty/],
    [
      'the run’s own project as the other project',
      ['--project-id', 'proj_a', '--other-project-id', 'proj_a'],
      {},
      /--other-project-id must name another project than --project-id/,
    ],
    // The sweep's flags: in range, and only where they mean something.
    [
      'no keys at all',
      ['--max-keys', '0'],
      {},
      /--max-keys must be a whole number from 1 to 100000, not "0"/,
    ],
    [
      'more keys than the bound',
      ['--max-keys', '100001'],
      {},
      /--max-keys must be a whole number from 1 to 100000/,
    ],
    ['a fraction of a key', ['--max-keys', '1.5'], {}, /--max-keys must be a whole number/],
    [
      'no concurrency',
      ['--sweep', '--concurrency', '0'],
      {},
      /--concurrency must be a whole number from 1 to 32, not "0"/,
    ],
    [
      'too much concurrency',
      ['--sweep', '--concurrency', '33'],
      {},
      /--concurrency must be a whole number from 1 to 32/,
    ],
    [
      '--concurrency without --sweep',
      ['--concurrency', '8'],
      {},
      /--concurrency is the sweep's: it needs --sweep/,
    ],
    [
      '--sweep of a live target without --project-id',
      ['--base-url', 'https://api.example.com/v1', '--sweep'],
      ADMIN,
      /--sweep needs --project-id/,
    ],
  ];
  for (const [label, argv, env, message] of bad) {
    it(`refuses ${label}`, () => {
      expect(() => parseRunConfig(argv, env)).to.throw(UsageError, message);
      try {
        parseRunConfig(argv, env);
      } catch (error) {
        const key = env.OPENAI_ADMIN_KEY;
        if (key?.trim()) expect((error as Error).message, 'never repeats the key').not.to.include(key.trim());
      }
    });
  }

  const good: [string, string[], Partial<RunConfig>][] = [
    ['the longest timeout', ['--timeout', '600000'], { timeoutMs: 600_000 }],
    ['the shortest timeout', ['--timeout', '1'], { timeoutMs: 1 }],
    ['no retries', ['--retries', '0'], { retries: 0 }],
    ['the most retries', ['--retries', '10'], { retries: 10 }],
    ['ids with dots, slashes and spaces, kept as given', ['--user-key-id', 'key_a.b/../c d'], {}],
    ['no probes', ['--probes', '0'], { probes: 0 }],
    ['the most probes', ['--probes', '1000'], { probes: 1000 }],
    ['a seed of 0', ['--seed', '0'], { seed: 0 }],
    ['the largest seed', ['--seed', '4294967295'], { seed: 4_294_967_295 }],
    ['another project', ['--other-project-id', 'proj_other'], { otherProjectId: 'proj_other' }],
    ['no sweep by default, 1000 keys and 4 at a time', [], { sweep: false, maxKeys: 1000, concurrency: 4 }],
    ['--sweep of the reference provider', ['--sweep'], { sweep: true }],
    [
      'the most keys and the most concurrency',
      ['--sweep', '--max-keys', '100000', '--concurrency', '32'],
      { maxKeys: 100_000, concurrency: 32 },
    ],
    ['--max-keys for discovery alone', ['--max-keys', '1'], { sweep: false, maxKeys: 1 }],
  ];
  it('probes 40 times by default, from a fresh seed each run', () => {
    const seeds = new Set(Array.from({ length: 20 }, () => parse([]).seed));
    expect(parse([]).probes).to.equal(40);
    expect(seeds.size).to.be.greaterThan(15);
    expect(parse([])).not.to.have.property('otherProjectId');
  });
  for (const [label, argv, want] of good) {
    it(`accepts ${label}`, () => {
      const config = parse(argv, ADMIN);
      expect(config).to.include(want);
      if (argv[0] === '--user-key-id') expect(config.ids.userKeyId).to.equal(argv[1]);
    });
  }
});

describe('conformance configuration: pacts from a Pact Broker', () => {
  const BROKER = ['--broker-url', 'http://127.0.0.1:9292/', '--provider-version', 'abc123'];
  const TOKEN = 'pact-token-CANARY-c0f1';

  it('verifies the committed pact when no broker is named', () => {
    expect(parse([])).not.to.have.property('broker');
  });

  it('takes the broker, the provider version and the defaults of Pact', () => {
    expect(parse(BROKER).broker).to.deep.equal({
      brokerUrl: 'http://127.0.0.1:9292',
      providerName: 'openai-admin-api',
      providerVersion: 'abc123',
      consumerVersionSelectors: [{ mainBranch: true }, { deployedOrReleased: true }],
      enablePending: false,
      publishResults: false,
    });
  });

  it('takes every broker flag', () => {
    const config = parse([
      ...BROKER,
      '--provider-branch',
      'main',
      '--provider-name',
      'admin-api',
      '--consumer-version-selectors',
      '[{"branch":"main"},{"deployed":true,"environment":"production"}]',
      '--enable-pending',
      '--include-wip-pacts-since',
      '2024-02-29',
      '--publish-results',
    ]);
    expect(config.broker).to.deep.include({
      providerBranch: 'main',
      providerName: 'admin-api',
      consumerVersionSelectors: [{ branch: 'main' }, { deployed: true, environment: 'production' }],
      enablePending: true,
      includeWipPactsSince: '2024-02-29',
      publishResults: true,
    });
  });

  it('takes one selector object as a list of one', () => {
    expect(
      parse([...BROKER, '--consumer-version-selectors', '{"mainBranch":true}']).broker
        ?.consumerVersionSelectors,
    ).to.deep.equal([{ mainBranch: true }]);
  });

  it('takes the broker URL from PACT_BROKER_BASE_URL, and the credentials from the environment only', () => {
    const config = parse(['--provider-version', 'v1'], {
      PACT_BROKER_BASE_URL: 'https://broker.example.test',
      PACT_BROKER_TOKEN: TOKEN,
    });
    expect(config.broker).to.deep.include({
      brokerUrl: 'https://broker.example.test',
      credentials: { kind: 'token', token: TOKEN },
    });
  });

  it('lets a pact file on the command line win over PACT_BROKER_BASE_URL', () => {
    const config = parse(['--pact', 'my.json'], { PACT_BROKER_BASE_URL: 'https://broker.example.test' });
    expect(config.pacts).to.deep.equal([{ path: 'my.json' }]);
    expect(config).not.to.have.property('broker');
  });

  it('takes the one pact of a webhook by its URL on the broker', () => {
    const pactUrl = 'http://127.0.0.1:9292/pacts/provider/p/consumer/c/pact-version/abc/metadata/xyz';
    expect(parse([...BROKER, '--pact-url', pactUrl]).broker?.pactUrl).to.equal(pactUrl);
  });

  const bad: [string, string[], NodeJS.ProcessEnv, RegExp][] = [
    [
      'a pact file and a broker',
      [...BROKER, '--pact', 'x.json'],
      {},
      /--pact and --broker-url cannot be used together/,
    ],
    [
      'a broker without a provider version',
      ['--broker-url', 'http://127.0.0.1:9292'],
      {},
      /needs --provider-version/,
    ],
    [
      'PACT_BROKER_BASE_URL without a provider version',
      [],
      { PACT_BROKER_BASE_URL: 'http://127.0.0.1:9292' },
      /Pact Broker http:\/\/127.0.0.1:9292 needs --provider-version/,
    ],
    [
      'a broker URL that is not a URL',
      ['--broker-url', 'broker', '--provider-version', 'v'],
      {},
      /--broker-url is not a URL/,
    ],
    [
      'a PACT_BROKER_BASE_URL that is not http',
      ['--provider-version', 'v'],
      { PACT_BROKER_BASE_URL: 'ftp://b.test' },
      /PACT_BROKER_BASE_URL must be http or https/,
    ],
    [
      'credentials in the broker URL',
      ['--broker-url', 'https://u:p@b.test', '--provider-version', 'v'],
      {},
      /--broker-url must not carry credentials/,
    ],
    ['a broker flag without a broker', ['--publish-results'], {}, /--publish-results needs --broker-url/],
    [
      'a provider version without a broker',
      ['--provider-version', 'v'],
      {},
      /--provider-version needs --broker-url/,
    ],
    ['a token flag', [...BROKER, '--broker-token', 'x'], {}, /broker-token/],
    ['a provider name without a broker', ['--provider-name', 'p'], {}, /--provider-name needs --broker-url/],
    ['an empty provider name', [...BROKER, '--provider-name', ' '], {}, /--provider-name is empty/],
    [
      'an empty provider version',
      ['--broker-url', 'http://b.test', '--provider-version', ''],
      {},
      /--provider-version is empty/,
    ],
    [
      'selectors that are not JSON',
      [...BROKER, '--consumer-version-selectors', '{mainBranch:true}'],
      {},
      /--consumer-version-selectors is not JSON/,
    ],
    [
      'selectors that are not objects',
      [...BROKER, '--consumer-version-selectors', '["main"]'],
      {},
      /selector 0 is not a JSON object/,
    ],
    [
      'an empty selector',
      [...BROKER, '--consumer-version-selectors', '[{"branch":"x"},{}]'],
      {},
      /selector 1 is empty/,
    ],
    ['an empty selector list', [...BROKER, '--consumer-version-selectors', '[]'], {}, /empty list/],
    [
      'a WIP date that is not a date',
      [...BROKER, '--provider-branch', 'main', '--include-wip-pacts-since', '2024-02-30'],
      {},
      /must be a date/,
    ],
    [
      'WIP pacts without a provider branch',
      [...BROKER, '--include-wip-pacts-since', '2024-01-01'],
      {},
      /needs --provider-branch/,
    ],
    [
      'a pact URL on another host',
      [...BROKER, '--pact-url', 'http://elsewhere.test/pacts/1'],
      {},
      /--pact-url must be a pact on the Pact Broker/,
    ],
    [
      'a pact URL with selectors',
      [
        ...BROKER,
        '--pact-url',
        'http://127.0.0.1:9292/p',
        '--consumer-version-selectors',
        '{"mainBranch":true}',
      ],
      {},
      /cannot be used with selectors/,
    ],
    [
      'half of basic auth',
      BROKER,
      { PACT_BROKER_USERNAME: 'ci' },
      /PACT_BROKER_USERNAME is set but PACT_BROKER_PASSWORD is not/,
    ],
  ];
  for (const [label, argv, env, message] of bad) {
    it(`refuses ${label}`, () => {
      expect(() => parseRunConfig(argv, env)).to.throw(UsageError, message);
    });
  }

  it('never puts a credential into a usage error', () => {
    const env = { PACT_BROKER_USERNAME: TOKEN, PACT_BROKER_BASE_URL: 'nope' };
    for (const argv of [[], BROKER, ['--provider-version', 'v']]) {
      let message = '';
      try {
        parseRunConfig(argv, env);
      } catch (error) {
        message = (error as Error).message;
      }
      expect(message)
        .to.match(/PACT_BROKER|provider-version/)
        .and.not.to.include(TOKEN);
    }
  });
});
