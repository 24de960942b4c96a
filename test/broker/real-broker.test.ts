import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { expect } from 'chai';
import { BrokerError } from '../../src/broker/broker-error.ts';
import { runPactCli } from '../../src/broker/pact-cli.ts';
import {
  type BrokerPact,
  fetchPactsForVerification,
  type PactsForVerificationRequest,
} from '../../src/broker/pacts-for-verification.ts';
import { publishPacts } from '../../src/broker/publish-pacts.ts';
import { publishVerificationResult } from '../../src/broker/publish-result.ts';
import { runConformanceCli } from '../../src/cli/conformance.ts';
import { runPactPublish } from '../../src/cli/pact-publish.ts';
import { CONSUMER, CONTRACT_PATH, PROVIDER } from '../../src/contract/pact-file.ts';
import type { ConformanceResult } from '../../src/report/conformance-result.ts';
import { startServer } from '../transport/servers.ts';
import { describeWithBroker, uniqueSuffix, writePactDir } from './harness.ts';
import { runStep } from './workflow-steps.ts';

// The broker workflow against the real Pact Broker (../shared/pact-broker): publish, pacts for
// verification (pending, WIP, the webhook's one pact), verification results, can-i-deploy and
// record-deployment with the official CLI, and the webhook that starts the verification workflow.
// Every call carries canary credentials (the test broker ignores them): none may show anywhere.

const TOKEN = 'pact-token-CANARY-8c1e5b2f';
const PASSWORD = 'pact-password-CANARY-d41a97';
const GITHUB_TOKEN = 'ghp_CANARY0000000000000000000000000000';
const CANARIES = [TOKEN, PASSWORD, GITHUB_TOKEN];
const CREDENTIALS = { kind: 'token', token: TOKEN } as const;

const contract = JSON.parse(readFileSync(CONTRACT_PATH, 'utf8')) as {
  consumer: { name: string };
  provider: { name: string };
  interactions: { description: string }[];
};

/** The interactions as published: the broker adds an `_id` to each. */
const asPublished = (interactions: unknown): unknown =>
  (interactions as Record<string, unknown>[]).map(({ _id, ...interaction }) => interaction);

const expectNoCanary = (...texts: string[]) => {
  for (const text of texts) for (const canary of CANARIES) expect(text).not.to.include(canary);
};

describeWithBroker('the real Pact Broker', (broker) => {
  const dirs: string[] = [];
  const pactDir = (consumer: string, provider: string, interactions = contract.interactions): string => {
    const dir = writePactDir(tmpdir(), consumer, provider, interactions);
    dirs.push(dir);
    return dir;
  };
  after(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  const env = () => ({ PACT_BROKER_BASE_URL: broker.url, PACT_BROKER_TOKEN: TOKEN });
  const publish = async (
    consumer: string,
    provider: string,
    version: string,
    branch: string,
    interactions?: typeof contract.interactions,
  ) => {
    const published = await publishPacts({
      brokerUrl: broker.url,
      credentials: CREDENTIALS,
      pactDir: pactDir(consumer, provider, interactions),
      consumerVersion: version,
      branch,
      env: { PATH: process.env.PATH, PACT_BROKER_TOKEN: TOKEN },
    });
    expect(published.code, published.stderr).to.equal(0);
    expectNoCanary(published.stdout, published.stderr);
  };
  const pact = (request: Omit<PactsForVerificationRequest, 'brokerUrl'>) =>
    fetchPactsForVerification({ brokerUrl: broker.url, credentials: CREDENTIALS, ...request });
  const pactsOf = async (request: Omit<PactsForVerificationRequest, 'brokerUrl'>): Promise<BrokerPact[]> => {
    const answer = await pact(request);
    if (answer.outcome !== 'pacts') throw new Error(answer.reason);
    await answer.dispose();
    return answer.pacts;
  };
  const getJson = async (path: string): Promise<Record<string, unknown>> => {
    const response = await fetch(`${broker.url}${path}`, { headers: { accept: 'application/hal+json' } });
    expect(response.status, path).to.equal(200);
    return (await response.json()) as Record<string, unknown>;
  };
  const pactCli = (...args: string[]) =>
    runPactCli([...args, '--broker-base-url', broker.url], {
      env: { PATH: process.env.PATH, PACT_BROKER_TOKEN: TOKEN },
    });

  it('pact-publish.yml publishes contracts/: the broker lists the pact with its version and branch', async () => {
    const version = `sha-${uniqueSuffix()}`;
    const step = await runStep('pact-publish.yml', 'Publish the pacts', {
      ...env(),
      GITHUB_SHA: version,
      GITHUB_REF_NAME: 'main',
    });
    expect(step.code, step.output).to.equal(0);
    expectNoCanary(step.output);
    const listed = await getJson(`/pacticipants/${CONSUMER}/versions/${version}`);
    const branches = (listed._embedded as { branchVersions: { name: string }[] }).branchVersions;
    expect(branches.map((b) => b.name)).to.deep.equal(['main']);
    const published = await getJson(`/pacts/provider/${PROVIDER}/consumer/${CONSUMER}/version/${version}`);
    expect(asPublished(published.interactions)).to.deep.equal(contract.interactions);
  });

  it('pact:publish takes tags and basic-auth credentials, which it never shows', async () => {
    const version = `v-${uniqueSuffix()}`;
    const out: string[] = [];
    const code = await runPactPublish(
      [
        '--broker-url',
        broker.url,
        '--consumer-version',
        version,
        '--branch',
        'feat/tags',
        '--tag',
        'rc',
        '--tag',
        'beta',
      ],
      { stdout: (text) => out.push(text), stderr: (text) => out.push(text) },
      { PATH: process.env.PATH, PACT_BROKER_USERNAME: 'ci', PACT_BROKER_PASSWORD: PASSWORD },
    );
    expect(code, out.join('')).to.equal(0);
    expect(out.join('')).to.include(`version ${version}`);
    expectNoCanary(out.join(''));
    const listed = await getJson(`/pacticipants/${CONSUMER}/versions/${version}`);
    expect((listed._embedded as { tags: { name: string }[] }).tags.map((t) => t.name)).to.have.members([
      'rc',
      'beta',
    ]);
  });

  it('gives each selected pact as a file, with consumer version, link and selection, and no broker links', async () => {
    const [consumer, provider] = [`c-${uniqueSuffix()}`, `p-${uniqueSuffix()}`];
    await publish(consumer, provider, 'c1', 'main');
    const answer = await pact({ provider });
    expect(answer.outcome).to.equal('pacts');
    if (answer.outcome !== 'pacts') return;
    try {
      expect(answer.pacts).to.have.length(1);
      const [selected] = answer.pacts as [BrokerPact];
      expect(selected).to.deep.include({
        consumer,
        consumerVersion: 'c1',
        provider,
        url: `${broker.url}/pacts/provider/${provider}/consumer/${consumer}/version/c1`,
        pending: false,
        wip: false,
        selectedBecause: 'latest from main branch',
      });
      expect(selected.publishResultsUrl).to.match(
        new RegExp(`^${broker.url}/pacts/provider/${provider}/.*/verification-results$`),
      );
      const file = JSON.parse(readFileSync(selected.path, 'utf8'));
      expect(asPublished(file.interactions)).to.deep.equal(contract.interactions);
      expect(file).to.deep.include({ consumer: { name: consumer }, provider: { name: provider } });
      expect(file).not.to.have.property('_links');
      expectNoCanary(readFileSync(selected.path, 'utf8'));
    } finally {
      await answer.dispose();
    }
    expect(() => readFileSync(answer.pacts[0]?.path ?? '')).to.throw(/ENOENT/);
  });

  it('marks a pact pending until a result from the provider branch is published, and a feature-branch pact WIP', async () => {
    const [consumer, provider] = [`c-${uniqueSuffix()}`, `p-${uniqueSuffix()}`];
    await publish(consumer, provider, 'c1', 'main');
    const pending = { provider, enablePending: true, providerVersionBranch: 'main' };
    const [first] = await pactsOf(pending);
    expect(first).to.deep.include({ consumerVersion: 'c1', pending: true, wip: false });
    expect(first?.notices.map((n) => n.text).join('\n')).to.match(/is in pending state/);

    const published = await publishVerificationResult(
      { brokerUrl: broker.url, credentials: CREDENTIALS },
      first as BrokerPact,
      {
        success: true,
        providerVersion: 'pv1',
        providerBranch: 'main',
      },
    );
    expect(published.url).to.match(/verification-results\/\d+$/);
    const [after] = await pactsOf(pending);
    expect(after).to.deep.include({ consumerVersion: 'c1', pending: false });
    const version = await getJson(`/pacticipants/${provider}/versions/pv1`);
    expect(
      (version._embedded as { branchVersions: { name: string }[] }).branchVersions.map((b) => b.name),
    ).to.deep.equal(['main']);

    // A changed pact on a consumer feature branch: not selected, but verified as work in progress.
    await publish(consumer, provider, 'c2', 'feat-x', contract.interactions.slice(1));
    expect(await pactsOf(pending)).to.have.length(1);
    const withWip = await pactsOf({ ...pending, includeWipPactsSince: '2020-01-01' });
    expect(
      withWip.map(({ consumerVersion, pending, wip }) => ({ consumerVersion, pending, wip })),
    ).to.have.deep.members([
      { consumerVersion: 'c1', pending: false, wip: false },
      { consumerVersion: 'c2', pending: true, wip: true },
    ]);
  });

  it('tells an unknown provider, no matching pact and selectors it rejects apart', async () => {
    const [consumer, provider] = [`c-${uniqueSuffix()}`, `p-${uniqueSuffix()}`];
    await publish(consumer, provider, 'c1', 'feat-only');

    const none = await pact({ provider });
    expect(none.outcome).to.equal('none');
    expect(none.outcome === 'none' && none.reason).to.equal(
      `Pact Broker ${broker.url} has no pact for ${provider} matching the consumer version selectors [{"mainBranch":true},{"deployedOrReleased":true}]: nothing was verified`,
    );
    const failures: [Omit<PactsForVerificationRequest, 'brokerUrl'>, BrokerError['problem'], RegExp][] = [
      [{ provider: `nobody-${uniqueSuffix()}` }, 'unknown-provider', /knows no provider named "nobody-/],
      [
        { provider, consumerVersionSelectors: [{ colour: 'blue' }] },
        'rejected',
        /rejected the request for pacts to verify: consumerVersionSelectors: must specify a value for environment or tag or branch/,
      ],
    ];
    for (const [request, problem, message] of failures) {
      const error = await pact(request).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error, problem).to.be.instanceOf(BrokerError);
      expect((error as BrokerError).problem).to.equal(problem);
      expect((error as BrokerError).message)
        .to.match(new RegExp(`^Pact Broker ${broker.url}: `))
        .and.to.match(message);
    }
  });

  it('can-i-deploy and record-deployment of pact-deploy.yml follow the published results', async () => {
    const [consumer, provider, environment] = [
      `c-${uniqueSuffix()}`,
      `p-${uniqueSuffix()}`,
      `prod-${uniqueSuffix()}`,
    ];
    await publish(consumer, provider, 'c1', 'main');
    const setup = await runStep('pact-setup.yml', 'Create the environment', {
      ...env(),
      ENVIRONMENT: environment,
    });
    expect(setup.code, setup.output).to.equal(0);
    const again = await runStep('pact-setup.yml', 'Create the environment', {
      ...env(),
      ENVIRONMENT: environment,
    });
    expect(again.code, `the environment step runs again without failing: ${again.output}`).to.equal(0);
    const deployed = await pactCli(
      'broker',
      'record-deployment',
      '--pacticipant',
      consumer,
      '--version',
      'c1',
      '--environment',
      environment,
    );
    expect(deployed.code, deployed.stderr).to.equal(0);

    const [selected] = await pactsOf({ provider });
    const results: [string, boolean][] = [
      ['pv-good', true],
      ['pv-bad', false],
    ];
    for (const [providerVersion, success] of results) {
      const published = await publishVerificationResult(
        { brokerUrl: broker.url, credentials: CREDENTIALS },
        selected as BrokerPact,
        {
          success,
          providerVersion,
          providerBranch: 'main',
          tests: [
            {
              testDescription: 'owner.type is user or service_account',
              success,
              interactionDescription: 'a request',
            },
          ],
        },
      );
      const stored = await getJson(new URL(published.url).pathname);
      expect(stored).to.deep.include({ success, providerApplicationVersion: providerVersion });
      expect(stored.testResults).to.deep.equal({
        tests: [
          {
            testDescription: 'owner.type is user or service_account',
            success,
            interactionDescription: 'a request',
          },
        ],
      });
    }
    const deploy = (version: string) =>
      runStep('pact-deploy.yml', 'Can I deploy?', {
        ...env(),
        PACTICIPANT: provider,
        GITHUB_SHA: version,
        ENVIRONMENT: environment,
      });
    const yes = await deploy('pv-good');
    expect(yes.code, yes.output).to.equal(0);
    expect(yes.output).to.match(/Computer says yes/);
    const no = await deploy('pv-bad');
    expect(no.code, no.output).to.equal(1);
    expect(no.output).to.match(/Computer says no/);
    expectNoCanary(yes.output, no.output);

    const recorded = await runStep('pact-deploy.yml', 'Record the deployment', {
      ...env(),
      PACTICIPANT: provider,
      GITHUB_SHA: 'pv-good',
      ENVIRONMENT: environment,
    });
    expect(recorded.code, recorded.output).to.equal(0);
    // The deployed provider version verified c1: the consumer version may now go too.
    const consumerMayGo = await pactCli(
      'broker',
      'can-i-deploy',
      '--pacticipant',
      consumer,
      '--version',
      'c1',
      '--to-environment',
      environment,
    );
    expect(consumerMayGo.code, consumerMayGo.stdout).to.equal(0);
  });

  it("pact-setup.yml's webhook starts pact-verify-changed.yml with the changed pact, which can be fetched and verified", async function () {
    if (!broker.local) this.skip(); // only our broker is configured to call webhooks on loopback
    const [consumer, provider] = [`c-${uniqueSuffix()}`, `p-${uniqueSuffix()}`];
    const github = await startServer((_request, response) => {
      response.writeHead(204);
      response.end();
    });
    try {
      await publish(consumer, provider, 'c1', 'main');
      const main = await pactCli(
        'broker',
        'create-or-update-version',
        '--pacticipant',
        provider,
        '--version',
        'pv1',
        '--branch',
        'main',
      );
      expect(main.code, main.stderr).to.equal(0);
      const hook = await runStep('pact-setup.yml', 'Create the webhook', {
        ...env(),
        PROVIDER: provider,
        DISPATCH_URL: `${github.url}/repos/owner/repo/dispatches`,
        GITHUB_DISPATCH_TOKEN: GITHUB_TOKEN,
      });
      expect(hook.code, hook.output).to.equal(0);
      expectNoCanary(hook.output);

      await publish(consumer, provider, 'c2', 'feat-y', contract.interactions.slice(2));
      // The broker calls its webhooks in the background: wait for the call (a guard, not a timing).
      for (let waited = 0; github.requests.length === 0 && waited < 60_000; waited += 100) {
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      const [dispatch] = github.requests;
      expect(dispatch, broker.log()).not.to.equal(undefined);
      expect(dispatch?.url).to.equal('/repos/owner/repo/dispatches');
      expect(dispatch?.headers.authorization).to.equal(`Bearer ${GITHUB_TOKEN}`);
      const body = JSON.parse(dispatch?.body ?? '{}');
      expect(body.event_type).to.equal('contract_requiring_verification_published');
      expect(body.client_payload).to.deep.include({ sha: 'pv1', branch: 'main' });

      // What pact-verify-changed.yml runs with the payload: the one changed pact verified, its result published.
      const dir = mkdtempSync(join(tmpdir(), 'broker-test-reports-'));
      dirs.push(dir);
      const out: string[] = [];
      const { pact_url: pactUrl, sha, branch } = body.client_payload;
      const code = await runConformanceCli(
        [
          '--pact-url',
          pactUrl,
          '--provider-version',
          sha,
          '--provider-branch',
          branch,
          '--publish-results',
          '--provider-name',
          provider,
          '--report-dir',
          dir,
        ],
        {
          env: { ...env(), GITHUB_STEP_SUMMARY: '' },
          io: { stdout: (t) => out.push(t), stderr: (t) => out.push(t) },
          signals: new EventEmitter(),
        },
      );
      expect(code, out.join('')).to.equal(0);
      expectNoCanary(out.join(''), ...readdirSync(dir).map((name) => readFileSync(join(dir, name), 'utf8')));
      const report = JSON.parse(readFileSync(join(dir, 'conformance.json'), 'utf8')) as ConformanceResult;
      expect(
        report.pacts.map((p) => [p.consumer, p.consumerVersion, p.url, p.publication?.success]),
      ).to.deep.equal([
        [consumer, 'c2', `${broker.url}/pacts/provider/${provider}/consumer/${consumer}/version/c2`, true],
      ]);
      const matrix = await getJson(
        `/matrix?q[][pacticipant]=${consumer}&q[][version]=c2&q[][pacticipant]=${provider}&q[][version]=pv1&latestby=cvpv`,
      );
      expect((matrix.summary as { success: number }).success).to.equal(1);
    } finally {
      await github.close();
    }
  });
  it("a consumer named to rewrite the webhook's JSON does not: the payload names the provider version's own commit and branch, and passes pact-verify-changed.yml's check", async function () {
    if (!broker.local) this.skip(); // only our broker is configured to call webhooks on loopback
    // The name that set the branch through the old body's message: `x","branch":"attacker","y":"…`.
    const consumer = `x","branch":"attacker","y":"${uniqueSuffix()}`;
    const provider = `p-${uniqueSuffix()}`;
    const commit = randomBytes(20).toString('hex');
    const github = await startServer((_request, response) => {
      response.writeHead(204);
      response.end();
    });
    try {
      const main = await pactCli(
        'broker',
        'create-or-update-version',
        '--pacticipant',
        provider,
        '--version',
        commit,
        '--branch',
        'main',
      );
      expect(main.code, main.stderr).to.equal(0);
      const hook = await runStep('pact-setup.yml', 'Create the webhook', {
        ...env(),
        PROVIDER: provider,
        DISPATCH_URL: `${github.url}/repos/owner/repo/dispatches`,
        GITHUB_DISPATCH_TOKEN: GITHUB_TOKEN,
      });
      expect(hook.code, hook.output).to.equal(0);
      await publish(consumer, provider, 'c1', 'feat-x');
      // The broker calls its webhooks in the background: wait for the call (a guard, not a timing).
      for (let waited = 0; github.requests.length === 0 && waited < 60_000; waited += 100) {
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      const [dispatch] = github.requests;
      expect(dispatch, broker.log()).not.to.equal(undefined);
      const payload = JSON.parse(dispatch?.body ?? '{}').client_payload;
      expect(payload).to.deep.equal({
        pact_url: payload.pact_url,
        sha: commit,
        branch: 'main',
      });
      expect(payload.pact_url).to.match(
        new RegExp(`^${broker.url}/pacts/provider/${provider}/consumer/x%22`),
      );

      const outputs = join(mkdtempSync(join(tmpdir(), 'broker-test-outputs-')), 'outputs');
      dirs.push(dirname(outputs));
      writeFileSync(outputs, '');
      const check = await runStep('pact-verify-changed.yml', 'Check the payload', {
        PACT_BROKER_BASE_URL: broker.url,
        PROVIDER: provider,
        PACT_URL: payload.pact_url,
        PROVIDER_VERSION: payload.sha,
        PROVIDER_BRANCH: payload.branch,
        GITHUB_OUTPUT: outputs,
      });
      expect(check.code, check.output).to.equal(0);
      expect(readFileSync(outputs, 'utf8')).to.equal(
        `sha=${commit}\nbranch=main\npact_url=${payload.pact_url}\n`,
      );
    } finally {
      await github.close();
    }
  });
});
