import { EventEmitter } from 'node:events';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { runConformanceCli } from '../../src/cli/conformance.ts';
import { runPactPublish } from '../../src/cli/pact-publish.ts';

// A URL given with credentials in it is refused, and the refusal never repeats them, even when the URL
// does not parse (a space in the host): the one line names the URL without its userinfo.

const USER = 'url-user-CANARY-5a1c';
const PASSWORD = 'url-password-CANARY-93be';
const canaryUrl = (host: string) => `http://${USER}:${PASSWORD}@${host}`;

interface Printed {
  code: number;
  stdout: string;
  stderr: string;
  reports: string[];
}

const scratch = mkdtempSync(join(tmpdir(), 'url-credentials-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

const conformance = async (name: string, argv: string[], env: NodeJS.ProcessEnv): Promise<Printed> => {
  const dir = join(scratch, name);
  const stdout: string[] = [];
  const stderr: string[] = [];
  const code = await runConformanceCli([...argv, '--report-dir', dir], {
    env,
    io: { stdout: (t) => stdout.push(t), stderr: (t) => stderr.push(t) },
    signals: new EventEmitter(),
  });
  const reports = existsSync(dir) ? readdirSync(dir).map((f) => readFileSync(join(dir, f), 'utf8')) : [];
  return { code, stdout: stdout.join(''), stderr: stderr.join(''), reports };
};

const publish = async (argv: string[], env: NodeJS.ProcessEnv): Promise<Printed> => {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const code = await runPactPublish(
    argv,
    { stdout: (t) => stdout.push(t), stderr: (t) => stderr.push(t) },
    { PATH: process.env.PATH, ...env },
  );
  return { code, stdout: stdout.join(''), stderr: stderr.join(''), reports: [] };
};

const ADMIN = { OPENAI_ADMIN_KEY: 'sk-admin-EXAMPLE' };
const BROKER = ['--provider-version', '1'];

describe('a URL with credentials in it is never repeated with them', () => {
  const cases: [string, () => Promise<Printed>, RegExp][] = [
    [
      'conformance --base-url that does not parse',
      () => conformance('base', ['--base-url', canaryUrl('ta rget')], ADMIN),
      /^conformance: --base-url is not a URL: "http:\/\/ta rget"$/,
    ],
    [
      'conformance --base-url that parses',
      () => conformance('base-ok', ['--base-url', canaryUrl('target.test')], ADMIN),
      /^conformance: --base-url must not carry credentials$/,
    ],
    [
      'conformance --broker-url',
      () => conformance('broker', ['--broker-url', canaryUrl('bro ker'), ...BROKER], {}),
      /^conformance: --broker-url is not a URL: "http:\/\/bro ker"$/,
    ],
    [
      'conformance PACT_BROKER_BASE_URL',
      () => conformance('env', BROKER, { PACT_BROKER_BASE_URL: canaryUrl('bro ker') }),
      /^conformance: PACT_BROKER_BASE_URL is not a URL: "http:\/\/bro ker"$/,
    ],
    [
      'conformance --pact-url',
      () =>
        conformance(
          'pact-url',
          ['--broker-url', 'http://127.0.0.1:9', '--pact-url', `${canaryUrl('pa ct')}/pacts/1`, ...BROKER],
          {},
        ),
      /^conformance: --pact-url is not a URL: "http:\/\/pa ct\/pacts\/1"$/,
    ],
    [
      'pact:publish PACT_BROKER_BASE_URL',
      () => publish(['--consumer-version', 'v'], { PACT_BROKER_BASE_URL: canaryUrl('bro ker') }),
      /^pact:publish: PACT_BROKER_BASE_URL is not a URL: "http:\/\/bro ker"$/,
    ],
    [
      'pact:publish --broker-url',
      () => publish(['--broker-url', canaryUrl('bro ker'), '--consumer-version', 'v'], {}),
      /^pact:publish: --broker-url is not a URL: "http:\/\/bro ker"$/,
    ],
    [
      'pact:publish --build-url',
      () =>
        publish(
          ['--broker-url', 'http://127.0.0.1:9', '--consumer-version', 'v', '--build-url', canaryUrl('ci x')],
          {},
        ),
      /^pact:publish: --build-url is not a URL: "http:\/\/ci x"$/,
    ],
  ];
  for (const [label, run, line] of cases) {
    it(`exits 2 with one line naming the URL without them: ${label}`, async () => {
      const printed = await run();
      expect(printed.code).to.equal(2);
      expect(printed.stderr.endsWith('\n') && printed.stderr.split('\n').length).to.equal(2);
      expect(printed.stderr.trimEnd()).to.match(line);
      for (const text of [printed.stdout, printed.stderr, ...printed.reports]) {
        expect(text).not.to.include(PASSWORD).and.not.to.include(USER);
      }
    });
  }
});
