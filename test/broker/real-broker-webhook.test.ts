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

// pact-setup.yml's webhook: it starts pact-verify-changed.yml with the changed pact, and no consumer's
// name can rewrite its payload. test/broker/real-broker.ts says what the real-broker-*.test.ts files share.

describeWithBroker('the real Pact Broker: the webhook that starts the verification workflow', (broker) => {
  const { dirs, env, publish, getJson, pactCli } = realBroker(broker);

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
