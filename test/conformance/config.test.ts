import { expect } from 'chai';
import { UsageError } from '../../src/cli/usage.ts';
import {
  DEFAULT_MAX_TIME_MS,
  DEFAULT_PACT_PATH,
  parseRunConfig,
  type RunConfig,
} from '../../src/conformance/config.ts';
import { DEFAULT_SPEC_PATH } from '../../src/spec/document.ts';

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
      maxTimeMs: DEFAULT_MAX_TIME_MS,
    });
    expect(config.pacts).to.deep.equal([{ path: DEFAULT_PACT_PATH }]);
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
  ];
  for (const [label, argv, env, message] of bad) {
    it(`refuses ${label}`, () => {
      expect(() => parseRunConfig(argv, env)).to.throw(UsageError, message);
    });
  }
});
