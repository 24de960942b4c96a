import { expect } from 'chai';
import { UsageError } from '../../src/cli/usage.ts';
import { DEFAULT_PACT_PATH, parseRunConfig, type RunConfig } from '../../src/conformance/config.ts';
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
      pactPath: DEFAULT_PACT_PATH,
      referenceShape: 'seed',
    });
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
    ['an empty id', ['--project-id', ''], {}, /--project-id is empty/],
    ['an unknown reference shape', ['--reference-shape', 'next'], {}, /seed or current, not "next"/],
    [
      'a reference shape with a base URL',
      ['--reference-shape', 'current', '--base-url', 'http://127.0.0.1:9'],
      ADMIN,
      /cannot go with --base-url/,
    ],
  ];
  for (const [label, argv, env, message] of bad) {
    it(`refuses ${label}`, () => {
      expect(() => parseRunConfig(argv, env)).to.throw(UsageError, message);
    });
  }
});
