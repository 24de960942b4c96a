import { expect } from 'chai';
import { pactCliEnv, pactCliPackage, runPactCli } from '../../src/broker/pact-cli.ts';
import { publishArguments } from '../../src/broker/publish-pacts.ts';

describe('the official pact CLI', () => {
  const platforms: [string, string, string][] = [
    ['linux', 'x64', '@pact-foundation/pact-cli-linux-x64'],
    ['darwin', 'arm64', '@pact-foundation/pact-cli-darwin-arm64'],
    ['win32', 'x64', '@pact-foundation/pact-cli-windows-x64'],
  ];
  for (const [platform, arch, name] of platforms) {
    it(`is found in ${name} on ${platform}-${arch}`, () => {
      expect(pactCliPackage(platform, arch)).to.equal(name);
    });
  }

  it('runs the static binary from its platform package', async () => {
    const run = await runPactCli(['broker', '--version']);
    expect(run.code).to.equal(0);
    expect(run.stdout).to.match(/^pact-broker \d+\.\d+\.\d+/);
  });

  it('runs with no PACT_* variable but the broker credentials (the CLI reads them as options)', () => {
    const env = pactCliEnv({
      PATH: '/usr/bin',
      PACT_BROKER_BASE_URL: 'http://elsewhere.test',
      PACT_PROVIDER_NAME: 'someone-else',
      PACT_VERIFIER_JSON_REPORT: '/tmp/x.json',
      PACT_BROKER_TOKEN: 't',
      PACT_BROKER_USERNAME: 'u',
      PACT_BROKER_PASSWORD: 'p',
    });
    expect(env).to.deep.equal({
      PATH: '/usr/bin',
      PACT_BROKER_TOKEN: 't',
      PACT_BROKER_USERNAME: 'u',
      PACT_BROKER_PASSWORD: 'p',
      PACT_DO_NOT_TRACK: 'true',
    });
  });

  it('is given the broker, version, branch and tags as arguments, never a credential', () => {
    const args = publishArguments(
      {
        brokerUrl: 'http://127.0.0.1:9292',
        consumerVersion: 'abc',
        branch: 'main',
        tags: ['a', 'b'],
        credentials: { kind: 'token', token: 'pact-token-CANARY-9e2d' },
      },
      ['/c/p.json'],
    );
    expect(args).to.deep.equal([
      'broker',
      'publish',
      '/c/p.json',
      '--broker-base-url',
      'http://127.0.0.1:9292',
      '--consumer-app-version',
      'abc',
      '--branch',
      'main',
      '--tag',
      'a',
      'b',
    ]);
  });
});
