import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import { BrokerError } from '../../src/broker/broker-error.ts';
import type { BrokerPact, PactsForVerificationRequest } from '../../src/broker/pacts-for-verification.ts';
import { publishVerificationResult } from '../../src/broker/publish-result.ts';
import { runPactPublish } from '../../src/cli/pact-publish.ts';
import { CONSUMER, PROVIDER } from '../../src/contract/pact-file.ts';
import { describeWithBroker, uniqueSuffix } from './harness.ts';
import { asPublished, CREDENTIALS, contract, expectNoCanary, PASSWORD, realBroker } from './real-broker.ts';
import { runStep } from './workflow-steps.ts';

// Publishing (pact-publish.yml, pact:publish) and the pacts the broker selects for verification: files,
// pending and WIP status, and the errors it answers with. test/broker/real-broker.ts says what the
// real-broker-*.test.ts files share.

describeWithBroker('the real Pact Broker: publishing, pacts for verification', (broker) => {
  const { env, publish, pact, pactsOf, getJson } = realBroker(broker);

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
});
