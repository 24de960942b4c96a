import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { runPactPublish } from '../../src/cli/pact-publish.ts';
import { closedPort } from '../transport/servers.ts';

// Usage errors of `npm run pact:publish`, which need no broker; publishing itself is proven against the
// real broker in test/broker/real-broker-publish.test.ts.

const TOKEN = 'pact-token-CANARY-77f3';

const run = async (argv: string[], env: NodeJS.ProcessEnv = {}, pactDir?: string) => {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runPactPublish(
    argv,
    { stdout: (text) => out.push(text), stderr: (text) => err.push(text) },
    { PATH: process.env.PATH, ...env },
    pactDir,
  );
  return { code, stdout: out.join(''), stderr: err.join('') };
};

describe('npm run pact:publish: bad input', () => {
  let empty: string;
  before(() => {
    empty = mkdtempSync(join(tmpdir(), 'no-pacts-'));
  });
  after(() => rmSync(empty, { recursive: true, force: true }));

  const cases: [string, string[], NodeJS.ProcessEnv, RegExp][] = [
    ['no broker', ['--consumer-version', 'v'], {}, /--broker-url \(or PACT_BROKER_BASE_URL\) is required/],
    ['no consumer version', ['--broker-url', 'http://127.0.0.1:9'], {}, /--consumer-version is required/],
    ['a token flag', ['--token', TOKEN], {}, /--token/],
    [
      'a broker URL that is not one',
      ['--broker-url', 'x', '--consumer-version', 'v'],
      {},
      /--broker-url is not a URL/,
    ],
    [
      'an empty branch',
      ['--broker-url', 'http://127.0.0.1:9', '--consumer-version', 'v', '--branch', ''],
      {},
      /--branch is empty/,
    ],
    [
      'half of basic auth',
      ['--consumer-version', 'v'],
      { PACT_BROKER_BASE_URL: 'http://127.0.0.1:9', PACT_BROKER_PASSWORD: TOKEN },
      /PACT_BROKER_USERNAME is not/,
    ],
  ];
  for (const [label, argv, env, message] of cases) {
    it(`exits 2 with one line on ${label}`, async () => {
      const result = await run(argv, env);
      expect(result.code).to.equal(2);
      expect(result.stderr)
        .to.match(/^pact:publish: [^\n]+\n$/)
        .and.to.match(message);
      expect(result.stderr + result.stdout).not.to.include(TOKEN);
    });
  }

  it('exits 2 when there is no pact to publish', async () => {
    const result = await run(['--broker-url', 'http://127.0.0.1:9', '--consumer-version', 'v'], {}, empty);
    expect(result.code).to.equal(2);
    expect(result.stderr).to.include(`no pact files (*.json) in ${empty}`);
  });

  it('exits 2 at once, naming the broker, when it cannot be reached', async () => {
    const url = `http://127.0.0.1:${await closedPort()}`;
    const result = await run(['--consumer-version', 'v'], {
      PACT_BROKER_BASE_URL: url,
      PACT_BROKER_TOKEN: TOKEN,
    });
    expect(result.code).to.equal(2);
    expect(result.stderr).to.match(new RegExp(`^pact:publish: Pact Broker ${url}: cannot connect`));
    expect(result.stderr).not.to.include(TOKEN);
  });
});
