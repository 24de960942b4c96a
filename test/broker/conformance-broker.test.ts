import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { runPactCli } from '../../src/broker/pact-cli.ts';
import { publishPacts } from '../../src/broker/publish-pacts.ts';
import { runConformanceCli } from '../../src/cli/conformance.ts';
import { runPactPublish } from '../../src/cli/pact-publish.ts';
import { PENDING_REASON } from '../../src/conformance/verdict.ts';
import { CONTRACT_PATH, CONTRACTS, PROVIDER } from '../../src/contract/pact-file.ts';
import { conformanceFlags, startReferenceProvider } from '../../src/provider/index.ts';
import type { ConformanceResult } from '../../src/report/conformance-result.ts';
import { REPORT_FILES } from '../../src/report/files.ts';
import { closedPort, type Handler, startServer, type TestServer } from '../transport/servers.ts';
import { describeWithBroker, uniqueSuffix, writePactDir } from './harness.ts';

// `npm run conformance` with its pacts from the real Pact Broker, end to end: fetched before the run, each
// its own group in every report, each result published after it, can-i-deploy (the official CLI) deciding
// from what was published. Every run carries canary credentials (the test broker ignores them) and a canary
// admin key: none may show in any output or report.

const TOKEN = 'pact-token-CANARY-e2e-7f3a91';
const USERNAME = 'pact-user-CANARY-2b8d';
const PASSWORD = 'pact-password-CANARY-c4e6a0';
const ADMIN_KEY = `sk-admin-canary${randomBytes(18).toString('hex')}`;
const CANARIES = [
  TOKEN,
  USERNAME,
  PASSWORD,
  Buffer.from(`${USERNAME}:${PASSWORD}`).toString('base64'),
  ADMIN_KEY,
];

const contract = JSON.parse(readFileSync(CONTRACT_PATH, 'utf8')) as { interactions: unknown[] };

interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
  dir: string;
}

const readResult = (dir: string): ConformanceResult =>
  JSON.parse(readFileSync(join(dir, REPORT_FILES.json), 'utf8')) as ConformanceResult;
const readReport = (dir: string, format: keyof typeof REPORT_FILES): string =>
  readFileSync(join(dir, REPORT_FILES[format]), 'utf8');

/** No canary in the run's output, nor in any report it wrote. */
const expectNoCanary = (run: CliRun) => {
  const reports = existsSync(run.dir)
    ? readdirSync(run.dir).map((name) => readFileSync(join(run.dir, name), 'utf8'))
    : [];
  for (const text of [run.stdout, run.stderr, ...reports]) {
    for (const canary of CANARIES) expect(text).not.to.include(canary);
  }
};

describeWithBroker('npm run conformance with the pacts of the real Pact Broker', (broker) => {
  const scratch = mkdtempSync(join(tmpdir(), 'conformance-broker-'));
  after(() => rmSync(scratch, { recursive: true, force: true }));

  const tokenEnv = (): NodeJS.ProcessEnv => ({ PATH: process.env.PATH, PACT_BROKER_TOKEN: TOKEN });

  const conformance = async (
    name: string,
    argv: string[],
    env: NodeJS.ProcessEnv = tokenEnv(),
    signals: EventEmitter = new EventEmitter(),
    onStdout?: (text: string) => void,
  ): Promise<CliRun> => {
    const dir = join(scratch, name);
    const stdout: string[] = [];
    const stderr: string[] = [];
    const code = await runConformanceCli([...argv, '--report-dir', dir], {
      env: { GITHUB_STEP_SUMMARY: '', ...env },
      io: {
        stdout: (text) => {
          stdout.push(text);
          onStdout?.(stdout.join(''));
        },
        stderr: (text) => stderr.push(text),
      },
      signals,
    });
    return { code, stdout: stdout.join(''), stderr: stderr.join(''), dir };
  };

  /** The seed's pact as `consumer`'s for `provider`, published at `version` on `branch`. */
  const publish = async (
    consumer: string,
    provider: string,
    version: string,
    branch: string,
    edit: (interactions: Record<string, unknown>[]) => unknown[] = (i) => i,
  ) => {
    const dir = writePactDir(
      scratch,
      consumer,
      provider,
      edit(structuredClone(contract.interactions) as Record<string, unknown>[]),
    );
    const published = await publishPacts({
      brokerUrl: broker.url,
      pactDir: dir,
      consumerVersion: version,
      branch,
      env: tokenEnv(),
    });
    expect(published.code, published.stderr).to.equal(0);
  };

  const getJson = async (path: string): Promise<{ status: number; json: Record<string, unknown> }> => {
    const response = await fetch(new URL(path, broker.url), { headers: { accept: 'application/hal+json' } });
    return { status: response.status, json: (await response.json()) as Record<string, unknown> };
  };

  /** can-i-deploy with the official CLI, for a consumer version and a provider version. */
  const canIDeploy = (consumer: string, consumerVersion: string, provider: string, providerVersion: string) =>
    runPactCli(
      [
        'broker',
        'can-i-deploy',
        '--pacticipant',
        consumer,
        '--version',
        consumerVersion,
        '--pacticipant',
        provider,
        '--version',
        providerVersion,
        '--broker-base-url',
        broker.url,
      ],
      { env: tokenEnv() },
    );

  it('verifies contracts/ as the broker gives them: a group per pact, each result published, can-i-deploy follows', async () => {
    const suffix = uniqueSuffix();
    const consumerVersion = `c1-${suffix}`;
    const providerVersion = `pv-${suffix}`;
    const out: string[] = [];
    const basicAuth = {
      PATH: process.env.PATH,
      PACT_BROKER_USERNAME: USERNAME,
      PACT_BROKER_PASSWORD: PASSWORD,
    };
    const published = await runPactPublish(
      ['--broker-url', broker.url, '--consumer-version', consumerVersion, '--branch', 'main'],
      { stdout: (t) => out.push(t), stderr: (t) => out.push(t) },
      basicAuth,
    );
    expect(published, out.join('')).to.equal(0);

    // Both pacts of contracts/: the seed's, which the reference provider honours, and today's, which it
    // does not. The second is pending (never verified from this branch): a warning, and a failure published.
    const run = await conformance(
      'contracts',
      [
        '--broker-url',
        broker.url,
        '--provider-version',
        providerVersion,
        '--provider-branch',
        'main',
        '--enable-pending',
        '--publish-results',
      ],
      {
        ...basicAuth,
        GITHUB_SERVER_URL: 'https://github.example.test',
        GITHUB_REPOSITORY: 'owner/provider',
        GITHUB_RUN_ID: '42',
      },
    );
    expect(run.code, run.stdout + run.stderr).to.equal(0);
    expectNoCanary(run);

    const result = readResult(run.dir);
    expect(result.verdict).to.equal('pass');
    const [seed, current] = [CONTRACTS.seed.consumer, CONTRACTS.current.consumer].map((consumer) =>
      result.pacts.find((p) => p.consumer === consumer),
    );
    for (const pact of [seed, current]) {
      expect(pact, JSON.stringify(result.pacts)).to.deep.include({
        id: `${pact?.consumer}@${consumerVersion}`,
        provider: PROVIDER,
        consumerVersion,
        url: `${broker.url}/pacts/provider/${PROVIDER}/consumer/${pact?.consumer}/version/${consumerVersion}`,
        selectedBecause: 'latest from main branch',
      });
      // The broker's copy was a temporary file: gone with the run.
      expect(existsSync(pact?.path ?? ''), pact?.path).to.equal(false);
    }
    expect(current?.pending).to.equal(true);
    expect(current?.notices?.join(' ')).to.match(/is in pending state/);
    expect(seed?.publication).to.deep.include({ published: true, success: true, providerBranch: 'main' });
    expect(current?.publication).to.deep.include({ published: true, success: false, providerVersion });

    // The pending pact's failing interactions are warnings, each saying why.
    const pendingChecks = result.checks.filter((c) => c.pact === current?.id && c.category === 'pact');
    const warned = pendingChecks.filter((c) => c.status === 'warn');
    expect(warned, 'the pending pact has failing interactions').not.to.be.empty;
    for (const check of warned) expect(check.findings[0]?.message).to.equal(PENDING_REASON);
    expect(result.checks.filter((c) => c.status === 'fail')).to.deep.equal([]);

    // Every report: a group per pact, named by consumer and version, linked, its status and result said.
    const html = readReport(run.dir, 'html');
    const markdown = readReport(run.dir, 'markdown');
    const junit = readReport(run.dir, 'junit');
    for (const pact of [seed, current]) {
      expect(html).to.include(
        `<h2>Checks of pact ${pact?.id}: ${pact?.consumer} → ${PROVIDER} ${consumerVersion}`,
      );
      expect(html).to.include(`<a href="${pact?.url}">`);
      expect(markdown).to.include(`#### Checks of pact ${pact?.id}`);
      expect(markdown).to.include(`- Pact: <${pact?.url}>`);
      expect(junit).to.include(`name="conformance.${pact?.id}.pact"`);
      expect(junit).to.include(`name="pact.${pact?.id}.url" value="${pact?.url}"`);
    }
    expect(markdown).to.match(
      /- Status: pending \(no successful verification[^\n]*does not fail the verification/,
    );
    expect(markdown).to.include(
      `- Verification result: failure (provider version ${providerVersion}, branch main) published`,
    );
    expect(html).to.include(
      `success (provider version ${providerVersion}, branch main) published to the Pact Broker`,
    );

    // The broker holds each result as published: the run's verdict on each pact, and where it was verified.
    for (const [pact, success] of [
      [seed, true],
      [current, false],
    ] as const) {
      const stored = await getJson(pact?.publication?.url ?? '');
      expect(stored.status).to.equal(200);
      expect(stored.json).to.deep.include({
        success,
        providerApplicationVersion: providerVersion,
        buildUrl: 'https://github.example.test/owner/provider/actions/runs/42',
      });
      const tests = (stored.json.testResults as { tests: { success: boolean; mismatches?: unknown[] }[] })
        .tests;
      expect(tests.map((t) => t.success).every(Boolean)).to.equal(success);
    }

    const yes = await canIDeploy(CONTRACTS.seed.consumer, consumerVersion, PROVIDER, providerVersion);
    expect(yes.code, yes.stdout).to.equal(0);
    expect(yes.stdout).to.match(/Computer says yes/);
    const no = await canIDeploy(CONTRACTS.current.consumer, consumerVersion, PROVIDER, providerVersion);
    expect(no.code, no.stdout).to.equal(1);
    expect(no.stdout).to.match(/Computer says no/);
  });

  it('a provider with a wrong enum: exit 1, a failure published naming the finding, can-i-deploy says no', async () => {
    const [consumer, provider, providerVersion] = [`c-${uniqueSuffix()}`, `p-${uniqueSuffix()}`, 'pv-bad'];
    await publish(consumer, provider, 'c1', 'main');
    const target = await startReferenceProvider({ adminKey: ADMIN_KEY, fault: 'wrong-enum' });
    let run: CliRun;
    try {
      run = await conformance(
        'wrong-enum',
        [
          ...conformanceFlags(target),
          '--broker-url',
          broker.url,
          '--provider-name',
          provider,
          '--provider-version',
          providerVersion,
          '--publish-results',
        ],
        { ...tokenEnv(), OPENAI_ADMIN_KEY: ADMIN_KEY },
      );
    } finally {
      await target.close();
    }
    expect(run.code, run.stdout + run.stderr).to.equal(1);
    expectNoCanary(run);
    const result = readResult(run.dir);
    const [pact] = result.pacts;
    expect(result.pacts).to.have.length(1);
    expect(pact).to.deep.include({ id: `${consumer}@c1`, pending: false });
    expect(pact?.publication).to.deep.include({ published: true, success: false });

    const stored = await getJson(pact?.publication?.url ?? '');
    expect(stored.json.success).to.equal(false);
    const tests = (
      stored.json.testResults as {
        tests: { success: boolean; mismatches?: { identifier: string; description: string }[] }[];
      }
    ).tests;
    const mismatches = tests.flatMap((t) => t.mismatches ?? []);
    expect(mismatches.map((m) => `${m.identifier} ${m.description}`).join('\n')).to.match(
      /\/owner\/type Expected 'organization_admin' to match/,
    );

    const no = await canIDeploy(consumer, 'c1', provider, providerVersion);
    expect(no.code, no.stdout).to.equal(1);
    expect(no.stdout).to.match(/Computer says no/);
  });

  describe('a broker that cannot be used: exit 2 with one line, no report, nothing sent to the target', () => {
    let target: TestServer;
    let known: string;
    const servers: TestServer[] = [];
    before(async () => {
      target = await startServer((_request, response) => response.writeHead(500).end());
      known = `p-${uniqueSuffix()}`;
      await publish(`c-${uniqueSuffix()}`, known, 'c1', 'main');
    });
    after(async () => {
      await target.close();
      for (const server of servers) await server.close();
    });
    const serving = async (handler: Handler): Promise<string> => {
      const server = await startServer(handler);
      servers.push(server);
      return server.url;
    };
    const targetFlags = () => [
      '--base-url',
      target.url,
      '--project-id',
      'proj_abc',
      '--user-key-id',
      'key_abc',
    ];

    const cases: [string, () => Promise<{ url: string; flags: string[] }>, RegExp][] = [
      [
        'an unreachable broker',
        async () => ({ url: `http://127.0.0.1:${await closedPort()}`, flags: [] }),
        /: cannot connect \(connection refused/,
      ],
      [
        'a broker that refuses the token (401)',
        async () => ({
          url: await serving((_request, response) => response.writeHead(401).end()),
          flags: [],
        }),
        /: answered 401 Unauthorized to a request for its index, with the token in PACT_BROKER_TOKEN$/,
      ],
      [
        'a server that is not a broker (HTML)',
        async () => ({
          url: await serving((_request, response) =>
            response.writeHead(200, { 'content-type': 'text/html' }).end('<html>hello</html>'),
          ),
          flags: [],
        }),
        /: is not a Pact Broker: its index \(GET .*\/\) is not JSON$/,
      ],
      [
        'an unknown provider',
        async () => ({ url: broker.url, flags: ['--provider-name', `nobody-${uniqueSuffix()}`] }),
        /: knows no provider named "nobody-[^"]+" \(No provider with name '[^']+' found\): has a consumer published a pact for it\?$/,
      ],
      [
        'selectors the broker rejects',
        async () => ({
          url: broker.url,
          flags: ['--provider-name', known, '--consumer-version-selectors', '{"colour":"blue"}'],
        }),
        /: rejected the request for pacts to verify: consumerVersionSelectors: must specify/,
      ],
    ];
    for (const [label, setup, cause] of cases) {
      it(label, async () => {
        const { url, flags } = await setup();
        const run = await conformance(
          `bad-${label.replace(/\W+/g, '-')}`,
          [...targetFlags(), '--broker-url', url, '--provider-version', 'v1', '--publish-results', ...flags],
          { ...tokenEnv(), OPENAI_ADMIN_KEY: ADMIN_KEY },
        );
        expect(run.code, run.stdout + run.stderr).to.equal(2);
        const lines = run.stderr.trim().split('\n');
        expect(lines).to.have.length(1);
        expect(lines[0]).to.satisfy((line: string) => line.startsWith(`conformance: Pact Broker ${url}: `));
        expect(lines[0]).to.match(cause);
        expect(readdirSync(run.dir), 'no report').to.deep.equal([]);
        expect(target.requests, 'requests the target received').to.deep.equal([]);
        expectNoCanary(run);
      });
    }

    it('selectors that are not JSON: exit 2 before the broker is asked', async () => {
      const run = await conformance(
        'bad-selectors-json',
        [...targetFlags(), '--broker-url', broker.url, '--provider-version', 'v1'].concat([
          '--consumer-version-selectors',
          '[{mainBranch:true}]',
        ]),
        { ...tokenEnv(), OPENAI_ADMIN_KEY: ADMIN_KEY },
      );
      expect(run.code).to.equal(2);
      expect(run.stderr).to.match(/^conformance: --consumer-version-selectors is not JSON: [^\n]*\n$/);
      expect(target.requests).to.deep.equal([]);
    });

    it('selectors that match no pact: exit 1, nothing was verified, and the reports say so', async () => {
      const run = await conformance(
        'nothing-to-verify',
        [
          ...targetFlags(),
          '--broker-url',
          broker.url,
          '--provider-name',
          known,
          '--provider-version',
          'v1',
          '--consumer-version-selectors',
          '{"branch":"no-such-branch"}',
          '--publish-results',
        ],
        { ...tokenEnv(), OPENAI_ADMIN_KEY: ADMIN_KEY },
      );
      expect(run.code, run.stdout + run.stderr).to.equal(1);
      const reason = `Pact Broker ${broker.url} has no pact for ${known} matching the consumer version selectors [{"branch":"no-such-branch"}]: nothing was verified`;
      expect(run.stdout).to.include(reason);
      const result = readResult(run.dir);
      expect(result).to.deep.include({
        verdict: 'fail',
        complete: true,
        incompleteReason: reason,
        pacts: [],
      });
      expect(result.checks).to.deep.equal([]);
      expect(readReport(run.dir, 'markdown')).to.include('nothing was verified');
      expect(readReport(run.dir, 'html')).to.include('nothing was verified');
      expect(readReport(run.dir, 'junit')).to.include('nothing was verified');
      expect(target.requests).to.deep.equal([]);
      expectNoCanary(run);
    });
  });

  it('interrupted by SIGINT while verifying: exit 130, incomplete reports, nothing published', async () => {
    const [consumer, provider, providerVersion] = [`c-${uniqueSuffix()}`, `p-${uniqueSuffix()}`, 'pv-int'];
    await publish(consumer, provider, 'c1', 'main');
    const target = await startReferenceProvider({ adminKey: ADMIN_KEY, fault: 'hang' });
    const signals = new EventEmitter();
    let interrupted = false;
    let run: CliRun;
    try {
      run = await conformance(
        'interrupted',
        [
          ...conformanceFlags(target),
          '--timeout',
          '60000',
          '--broker-url',
          broker.url,
          '--provider-name',
          provider,
          '--provider-version',
          providerVersion,
          '--provider-branch',
          'main',
          '--publish-results',
        ],
        { ...tokenEnv(), OPENAI_ADMIN_KEY: ADMIN_KEY },
        signals,
        // Once the run talks to the hanging target, interrupt it.
        (stdout) => {
          if (!interrupted && / GET http:\/\/127\.0\.0\.1:\d+\/organization\//.test(stdout)) {
            interrupted = true;
            setImmediate(() => signals.emit('SIGINT'));
          }
        },
      );
    } finally {
      await target.close();
    }
    expect(run.code, run.stdout + run.stderr).to.equal(130);
    expect(run.stdout).to.match(
      /verification results not published to the Pact Broker: the run did not finish/,
    );
    const result = readResult(run.dir);
    expect(result).to.deep.include({ complete: false, incompleteReason: 'interrupted by SIGINT' });
    expect(result.pacts[0]).not.to.have.property('publication');
    expect(existsSync(result.pacts[0]?.path ?? ''), 'the pact file is removed').to.equal(false);
    // Publishing would have put the provider version on its branch first: the broker never heard of it.
    expect((await getJson(`/pacticipants/${provider}/versions/${providerVersion}`)).status).to.equal(404);
    expectNoCanary(run);
  });
});
