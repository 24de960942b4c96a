import { EventEmitter } from 'node:events';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, sep } from 'node:path';
import { expect } from 'chai';
import { runConformanceCli } from '../../src/cli/conformance.ts';
import { runPactPublish } from '../../src/cli/pact-publish.ts';
import {
  PactBinaryMissingError,
  type PactRunKind,
  pactBinaryPath,
  pactBinaryPathFor,
  pactEnvironment,
  pactPlatformPackage,
} from '../../src/pact/binary.ts';
import { EXAMPLE_ADMIN_KEY } from '../../src/pact/provider-states.ts';
import { startServer, type TestServer } from '../transport/servers.ts';

const MISSING_ON_MIPS =
  'the Pact CLI for linux-mips is not installed: @pact-foundation/pact-cli-linux-mips/standalone/pact is missing (install without --omit=optional)';

describe('the pact binary', () => {
  const platforms: [string, string, string][] = [
    ['linux', 'x64', '@pact-foundation/pact-cli-linux-x64'],
    ['darwin', 'arm64', '@pact-foundation/pact-cli-darwin-arm64'],
    ['win32', 'x64', '@pact-foundation/pact-cli-windows-x64'],
  ];
  for (const [platform, arch, name] of platforms) {
    it(`is found in ${name} on ${platform}-${arch}`, () => {
      expect(pactPlatformPackage(platform, arch)).to.equal(name);
    });
  }

  it("is this platform's package's standalone/pact", () => {
    const path = pactBinaryPath();
    expect(path.endsWith(join(pactPlatformPackage(process.platform, process.arch), 'standalone', 'pact'))).to
      .be.true;
    expect(path.split(sep)).to.include('node_modules');
    expect(existsSync(path)).to.equal(true);
  });

  it('is missing with one error that names the package and what to do', () => {
    expect(() => pactBinaryPathFor('linux', 'mips'))
      .to.throw(PactBinaryMissingError)
      .with.property('message', MISSING_ON_MIPS);
  });
});

describe('the environment the pact binary runs in', () => {
  // What a CI job's environment may hold: each of these would change a run, or is a secret it does not need.
  const caller: NodeJS.ProcessEnv = {
    PATH: '/usr/bin',
    HOME: '/home/ci',
    OPENAI_ADMIN_KEY: EXAMPLE_ADMIN_KEY,
    PACT_BROKER_BASE_URL: 'http://elsewhere.test',
    PACT_PROVIDER_NAME: 'someone-else',
    PACT_VERIFIER_JSON_REPORT: '/tmp/x.json',
    PACT_PLUGIN_DIR: '/tmp/plugins',
    PACT_DO_NOT_TRACK: 'false',
    PACT_BROKER_TOKEN: 'pact-token-EXAMPLE',
    PACT_BROKER_USERNAME: 'user-EXAMPLE',
    PACT_BROKER_PASSWORD: 'password-EXAMPLE',
    SSL_CERT_FILE: '/etc/ci/ca.pem',
    SSL_CERT_DIR: '/etc/ci/certs',
    SSL_SKIP_VERIFICATION: 'true',
    SSL_TRUST_STORE: 'false',
    HTTPS_PROXY: 'http://corporate:3128',
    NO_PROXY: '*',
    no_proxy: '*',
    RUST_LOG: 'trace',
    LOG_LEVEL: 'trace',
    OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector.test',
    GITHUB_TOKEN: 'ghp_EXAMPLE',
  };
  const cases: [string, PactRunKind, Record<string, string>, NodeJS.ProcessEnv][] = [
    [
      'the verifier: the base only, with its own values and tracking off',
      'verifier',
      { SSL_CERT_FILE: '/run/none.pem' },
      { PATH: '/usr/bin', HOME: '/home/ci', SSL_CERT_FILE: '/run/none.pem', PACT_DO_NOT_TRACK: 'true' },
    ],
    [
      'a broker command: the base, the credentials, the CA bundle and the proxy, with no exemption',
      'broker',
      {},
      {
        PATH: '/usr/bin',
        HOME: '/home/ci',
        PACT_BROKER_TOKEN: 'pact-token-EXAMPLE',
        PACT_BROKER_USERNAME: 'user-EXAMPLE',
        PACT_BROKER_PASSWORD: 'password-EXAMPLE',
        SSL_CERT_FILE: '/etc/ci/ca.pem',
        SSL_CERT_DIR: '/etc/ci/certs',
        HTTPS_PROXY: 'http://corporate:3128',
        PACT_DO_NOT_TRACK: 'true',
      },
    ],
    [
      'a run whose own values would turn tracking on: it stays off',
      'verifier',
      { PACT_DO_NOT_TRACK: 'false' },
      { PATH: '/usr/bin', HOME: '/home/ci', PACT_DO_NOT_TRACK: 'true' },
    ],
  ];
  for (const [label, kind, set, expected] of cases) {
    it(`is ${label}`, () => {
      expect(pactEnvironment(kind, caller, set)).to.deep.equal(expected);
    });
  }

  it('holds only what the caller has: an unset variable is not passed as empty', () => {
    expect(pactEnvironment('broker', { PATH: '/bin' })).to.deep.equal({
      PATH: '/bin',
      PACT_DO_NOT_TRACK: 'true',
    });
  });
});

describe('a missing pact binary: each command says so in the same one line, exit 2, and sends nothing', () => {
  let scratch: string;
  let listening: TestServer;
  const arch = Object.getOwnPropertyDescriptor(process, 'arch') as PropertyDescriptor;
  before(async () => {
    scratch = mkdtempSync(join(tmpdir(), 'no-pact-'));
    listening = await startServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/hal+json' }).end('{"_links":{}}');
    });
  });
  after(async () => {
    rmSync(scratch, { recursive: true, force: true });
    await listening.close();
  });
  // This process as it would be on a machine whose platform package is not installed.
  beforeEach(() => Object.defineProperty(process, 'arch', { ...arch, value: 'mips' }));
  afterEach(() => Object.defineProperty(process, 'arch', arch));

  const commands: [string, () => Promise<{ code: number; stderr: string }>][] = [
    [
      'conformance',
      async () => {
        let stderr = '';
        const code = await runConformanceCli(['--base-url', listening.url, '--report-dir', scratch], {
          env: { OPENAI_ADMIN_KEY: EXAMPLE_ADMIN_KEY },
          io: { stdout() {}, stderr: (text) => (stderr += text) },
          signals: new EventEmitter(),
        });
        return { code, stderr };
      },
    ],
    [
      'pact:publish',
      async () => {
        let stderr = '';
        const code = await runPactPublish(
          ['--broker-url', listening.url, '--consumer-version', 'v'],
          { stdout() {}, stderr: (text) => (stderr += text) },
          { PATH: process.env.PATH },
        );
        return { code, stderr };
      },
    ],
  ];
  for (const [name, run] of commands) {
    it(name, async () => {
      const { code, stderr } = await run();
      expect({ code, stderr }).to.deep.equal({ code: 2, stderr: `${name}: ${MISSING_ON_MIPS}\n` });
      expect(listening.requests).to.deep.equal([]);
    });
  }
});
