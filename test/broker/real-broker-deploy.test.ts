import { expect } from 'chai';
import type { BrokerPact } from '../../src/broker/pacts-for-verification.ts';
import { publishVerificationResult } from '../../src/broker/publish-result.ts';
import { describeWithBroker, uniqueSuffix } from './harness.ts';
import { CREDENTIALS, expectNoCanary, realBroker } from './real-broker.ts';
import { runStep } from './workflow-steps.ts';

// can-i-deploy and record-deployment (pact-setup.yml, pact-deploy.yml) following the published results.
// test/broker/real-broker.ts says what the real-broker-*.test.ts files share.

describeWithBroker('the real Pact Broker: can-i-deploy and record-deployment', (broker) => {
  const { env, publish, pactsOf, getJson, pactCli } = realBroker(broker);

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
});
