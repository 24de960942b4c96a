import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { expect } from 'chai';
import { runConformanceCli } from '../../src/cli/conformance.ts';
import type { ConformanceResult } from '../../src/report/conformance-result.ts';
import { startServer } from '../transport/servers.ts';
import { describeWithBroker, uniqueSuffix } from './harness.ts';
import { contract, expectNoCanary, GITHUB_TOKEN, realBroker } from './real-broker.ts';
import { runStep } from './workflow-steps.ts';

// pact-setup.yml's webhook: it starts pact-verify-changed.yml with the changed pact, and no name a broker
// holds can rewrite its payload. test/broker/real-broker.ts says what the real-broker-*.test.ts files share.

describeWithBroker('the real Pact Broker: the webhook that starts the verification workflow', (broker) => {
  const { dirs, env, publish, getJson, pactCli } = realBroker(broker);

  /** The webhook's body as pact-setup.yml asks for it: the event, and the pact's URL for the broker to fill in. */
  const WEBHOOK_BODY = {
    event_type: 'contract_requiring_verification_published',
    client_payload: { pact_url: '${pactbroker.pactUrl}' },
  };

  /**
   * pact-setup.yml's webhook for `provider`, calling a stand-in for GitHub's dispatches endpoint; then
   * `published` (a consumer's publication that needs verifying). The broker's stored webhook, and the
   * dispatch it sent (it calls its webhooks in the background: waited for, a guard, not a timing).
   */
  const dispatchedFor = async (provider: string, published: () => Promise<void>) => {
    const github = await startServer((_request, response) => {
      response.writeHead(204);
      response.end();
    });
    try {
      const dispatchUrl = `${github.url}/repos/owner/repo/dispatches`;
      const hook = await runStep('pact-setup.yml', 'Create the webhook', {
        ...env(),
        PROVIDER: provider,
        DISPATCH_URL: dispatchUrl,
        GITHUB_DISPATCH_TOKEN: GITHUB_TOKEN,
      });
      expect(hook.code, hook.output).to.equal(0);
      expectNoCanary(hook.output);
      const stored = await getJson(`/webhooks/verify-${dispatchUrl.replace(/[^A-Za-z0-9]/g, '-')}`);
      await published();
      for (let waited = 0; github.requests.length === 0 && waited < 60_000; waited += 100) {
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      const [dispatch] = github.requests;
      expect(dispatch, broker.log()).not.to.equal(undefined);
      expect(dispatch?.url).to.equal('/repos/owner/repo/dispatches');
      expect(dispatch?.headers.authorization).to.equal(`Bearer ${GITHUB_TOKEN}`);
      return { stored, body: JSON.parse(dispatch?.body ?? '{}') };
    } finally {
      await github.close();
    }
  };

  /** pact-verify-changed.yml's payload check, as the runner runs it: exit code and what it passes on. */
  const checkPayload = async (provider: string, pactUrl: string, commit: string) => {
    const outputs = join(mkdtempSync(join(tmpdir(), 'broker-test-outputs-')), 'outputs');
    dirs.push(dirname(outputs));
    writeFileSync(outputs, '');
    const check = await runStep('pact-verify-changed.yml', 'Check the payload', {
      PACT_BROKER_BASE_URL: broker.url,
      PROVIDER: provider,
      PACT_URL: pactUrl,
      // What the workflow gives it from GitHub: a repository_dispatch runs at the default branch's head.
      PROVIDER_VERSION: commit,
      PROVIDER_BRANCH: 'main',
      GITHUB_OUTPUT: outputs,
    });
    expect(check.code, check.output).to.equal(0);
    return Object.fromEntries(
      readFileSync(outputs, 'utf8')
        .trimEnd()
        .split('\n')
        .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
    ) as { sha: string; branch: string; pact_url: string };
  };

  /** The provider's main branch at `version`: the provider version the broker says needs the pact verified. */
  const onMain = async (provider: string, version: string) => {
    const main = await pactCli(
      'broker',
      'create-or-update-version',
      '--pacticipant',
      provider,
      '--version',
      version,
      '--branch',
      'main',
    );
    expect(main.code, `${main.stdout}${main.stderr}`).to.equal(0);
  };

  it("pact-setup.yml's webhook starts pact-verify-changed.yml with the changed pact, which is verified at GitHub's commit", async function () {
    if (!broker.local) this.skip(); // only our broker is configured to call webhooks on loopback
    const [consumer, provider] = [`c-${uniqueSuffix()}`, `p-${uniqueSuffix()}`];
    const commit = randomBytes(20).toString('hex');
    await publish(consumer, provider, 'c1', 'main');
    await onMain(provider, commit);
    const { stored, body } = await dispatchedFor(provider, () =>
      publish(consumer, provider, 'c2', 'feat-y', contract.interactions.slice(2)),
    );
    // The broker keeps the body as pact-setup.yml gave it, and sends it with the pact's URL filled in.
    expect((stored.request as { body: unknown }).body).to.deep.equal(WEBHOOK_BODY);
    expect(body).to.deep.equal({
      event_type: 'contract_requiring_verification_published',
      client_payload: { pact_url: body.client_payload.pact_url },
    });
    expect(body.client_payload.pact_url).to.match(
      new RegExp(
        `^${broker.url}/pacts/provider/${provider}/consumer/${consumer}/pact-version/[0-9a-f]{40}/metadata/`,
      ),
    );

    // What pact-verify-changed.yml runs: the payload checked, the one changed pact verified, its result published.
    const checked = await checkPayload(provider, body.client_payload.pact_url, commit);
    expect(checked).to.deep.equal({ sha: commit, branch: 'main', pact_url: body.client_payload.pact_url });
    const dir = mkdtempSync(join(tmpdir(), 'broker-test-reports-'));
    dirs.push(dir);
    const out: string[] = [];
    const code = await runConformanceCli(
      [
        '--pact-url',
        checked.pact_url,
        '--provider-version',
        checked.sha,
        '--provider-branch',
        checked.branch,
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
      `/matrix?q[][pacticipant]=${consumer}&q[][version]=c2&q[][pacticipant]=${provider}&q[][version]=${commit}&latestby=cvpv`,
    );
    expect((matrix.summary as { success: number }).success).to.equal(1);
  });

  it("names built to rewrite the webhook's JSON do not: a consumer's and the provider version's, which the body never holds", async function () {
    if (!broker.local) this.skip(); // only our broker is configured to call webhooks on loopback
    // The name that set the branch through the first body, and a provider version number that would set
    // the pact's URL through the second (which held the provider version's number and branch).
    const consumer = `x","branch":"attacker","y":"${uniqueSuffix()}`;
    // (No slash: the broker takes a version number in a URL path.)
    const hostileVersion = `x","pact_url":"attacker","sha":"${'0'.repeat(40)}","y":"${uniqueSuffix()}`;
    const provider = `p-${uniqueSuffix()}`;
    await onMain(provider, hostileVersion);
    const { stored, body } = await dispatchedFor(provider, () => publish(consumer, provider, 'c1', 'feat-x'));
    expect((stored.request as { body: unknown }).body).to.deep.equal(WEBHOOK_BODY);
    const pactUrl = body.client_payload.pact_url;
    expect(body).to.deep.equal({
      event_type: 'contract_requiring_verification_published',
      client_payload: { pact_url: pactUrl },
    });
    expect(pactUrl).to.match(new RegExp(`^${broker.url}/pacts/provider/${provider}/consumer/x%22`));
    const commit = randomBytes(20).toString('hex');
    expect(await checkPayload(provider, pactUrl, commit)).to.deep.equal({
      sha: commit,
      branch: 'main',
      pact_url: pactUrl,
    });
  });
});
