import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import { parse } from 'yaml';
import { stepNamed, stepsOf, workflow as workflowFile } from './broker/workflow-steps.ts';
import { repoPath } from './helpers.ts';

interface Step {
  name?: string;
  run?: string;
  'continue-on-error'?: boolean;
  uses?: string;
  env?: Record<string, string>;
  with?: Record<string, string>;
}
interface Workflow {
  on: Record<string, unknown>;
  jobs: Record<string, { steps: Step[] }>;
}
const workflow = (name: string) =>
  parse(readFileSync(repoPath(`.github/workflows/${name}`), 'utf8')) as Workflow;
const steps = (w: Workflow) => Object.values(w.jobs).flatMap((job) => job.steps);
const runs = (w: Workflow) => steps(w).map((s) => s.run ?? '');

describe('GitHub Actions workflows for users', () => {
  const ci = workflow('ci.yml');
  const live = workflow('live.yml');

  it('ci runs npm ci, npm test and the conformance run on every push and pull request', () => {
    expect(ci.on).to.have.all.keys('push', 'pull_request');
    const commands = runs(ci);
    for (const command of ['npm ci', 'npm test', 'npm run conformance']) {
      expect(
        commands.some((c) => c.trim() === command),
        command,
      ).to.equal(true);
    }
  });

  it('ci and .ci/run install nothing but npm packages: no apt-get, no browser download', () => {
    const scripts = [...runs(ci), readFileSync(repoPath('.ci/run'), 'utf8')];
    for (const script of scripts) expect(script).not.to.match(/apt-get|apt install|playwright install/);
  });

  it('ci uploads the reports and publishes the JUnit results, also when a step failed', () => {
    const upload = steps(ci).find((s) => s.uses?.startsWith('actions/upload-artifact'));
    const junit = steps(ci).find((s) => s.with?.report_paths === 'reports/junit.xml');
    expect(upload?.with?.path).to.equal('reports/');
    expect(junit).to.not.equal(undefined);
    for (const step of [upload, junit]) expect((step as Record<string, unknown>).if).to.equal('always()');
  });

  it('live runs on a schedule with the admin key from a secret, passed in the environment only', () => {
    expect(live.on).to.have.property('schedule');
    const verify = steps(live).find((s) => s.run?.includes('npm run conformance'));
    expect(verify?.env?.OPENAI_ADMIN_KEY).to.equal('${{ secrets.OPENAI_ADMIN_KEY }}');
    expect(verify?.run).not.to.match(/secrets\.|OPENAI_ADMIN_KEY/);
  });

  it('live cannot go green without a key body: a guard fails first, and no step ignores a failure', () => {
    const guard = steps(live).find((s) => s.name === 'Check that a key body will be verified');
    const verify = steps(live).find((s) => s.run?.includes('npm run conformance'));
    expect(steps(live).indexOf(guard as Step)).to.be.lessThan(steps(live).indexOf(verify as Step));
    for (const step of steps(live)) {
      expect(step['continue-on-error'], step.name).not.to.equal(true);
      expect(step.run ?? '', step.name).not.to.match(/\|\|\s*true|; *true$/m);
    }
    // As the runner runs a step: no profile or rc file (bash reads ~/.bashrc when its stdin is a socket).
    const outcome = (env: Record<string, string>) =>
      spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', guard?.run ?? 'exit 0'], {
        env: { PATH: process.env.PATH, ...env },
      }).status;
    expect(outcome({ PROJECT_ID: 'proj_a' }), 'only a project id').to.equal(1);
    expect(outcome({ USER_KEY_ID: 'key_a' }), 'no project id').to.equal(1);
    expect(outcome({}), 'nothing').to.equal(1);
    expect(outcome({ PROJECT_ID: 'proj_a', USER_KEY_ID: 'key_a' })).to.equal(0);
    expect(outcome({ PROJECT_ID: 'proj_a', SERVICE_ACCOUNT_KEY_ID: 'key_s' })).to.equal(0);
  });
});

describe('GitHub Actions workflows for users: the Pact Broker loop', () => {
  const PACT_WORKFLOWS = [
    'pact-publish.yml',
    'pact-verify.yml',
    'pact-verify-changed.yml',
    'pact-deploy.yml',
    'pact-setup.yml',
  ];
  const named = (file: string, name: string) => stepNamed(file, name);

  it('publishes contracts/ on every push: version = commit SHA, branch = branch name', () => {
    const publish = workflowFile('pact-publish.yml');
    expect(publish.on).to.have.all.keys('push');
    expect(named('pact-publish.yml', 'Publish the pacts').run).to.equal(
      'npm run pact:publish -- --consumer-version "$GITHUB_SHA" --branch "$GITHUB_REF_NAME"',
    );
  });

  it('verifies the broker pacts on every push and publishes the results under the commit and branch', () => {
    expect(workflowFile('pact-verify.yml').on).to.include.keys('push');
    const verify = named('pact-verify.yml', 'Verify the pacts from the broker').run ?? '';
    expect(verify).to.match(/npm run conformance --/);
    for (const flag of [
      '--provider-version "$GITHUB_SHA"',
      '--provider-branch "$GITHUB_REF_NAME"',
      '--enable-pending',
      '--publish-results',
    ]) {
      expect(verify).to.include(flag);
    }
  });

  it('verifies the changed pact when the broker webhook dispatches, at the provider version it names', () => {
    const changed = workflowFile('pact-verify-changed.yml');
    expect(changed.on).to.deep.equal({
      repository_dispatch: { types: ['contract_requiring_verification_published'] },
    });
    const checkout = stepsOf(changed).find((s) => s.uses?.startsWith('actions/checkout'));
    expect(checkout?.with?.ref).to.equal('${{ github.event.client_payload.sha }}');
    const verify = named('pact-verify-changed.yml', 'Verify the changed pact');
    expect(verify.env).to.include({
      PACT_URL: '${{ github.event.client_payload.pact_url }}',
      PROVIDER_VERSION: '${{ github.event.client_payload.sha }}',
      PROVIDER_BRANCH: '${{ github.event.client_payload.branch }}',
    });
    expect(verify.run).to.include(
      '--pact-url "$PACT_URL" --provider-version "$PROVIDER_VERSION" --publish-results',
    );
  });

  it('the webhook pact-setup.yml creates sends what pact-verify-changed.yml reads', () => {
    const hook = named('pact-setup.yml', 'Create the webhook').run ?? '';
    expect(hook).to.include('--contract-requiring-verification-published');
    const data = JSON.parse(/--data '([^']+)'/.exec(hook)?.[1] ?? '{}');
    expect(data.event_type).to.equal('contract_requiring_verification_published');
    expect(data.client_payload).to.include({
      pact_url: '${pactbroker.pactUrl}',
      sha: '${pactbroker.providerVersionNumber}',
      branch: '${pactbroker.providerVersionBranch}',
    });
  });

  it('gates a deployment with can-i-deploy and records it after, with the official CLI', () => {
    const deploy = workflowFile('pact-deploy.yml');
    expect(deploy.jobs.deploy?.needs).to.equal('can-i-deploy');
    expect(deploy.jobs['record-deployment']?.needs).to.equal('deploy');
    expect(named('pact-deploy.yml', 'Can I deploy?').run).to.match(
      /^npx --no-install pact broker can-i-deploy /,
    );
    expect(named('pact-deploy.yml', 'Record the deployment').run).to.match(
      /^npx --no-install pact broker record-deployment /,
    );
  });

  for (const file of PACT_WORKFLOWS) {
    it(`${file}: credentials and event data reach scripts through the environment only`, () => {
      const w = workflowFile(file);
      for (const step of stepsOf(w)) {
        expect(step.run ?? '', `${file}: ${step.name}`).not.to.match(
          /\$\{\{|PACT_BROKER_TOKEN|PACT_BROKER_PASSWORD/,
        );
      }
      const env = { ...w.env, ...Object.assign({}, ...stepsOf(w).map((s) => s.env ?? {})) };
      for (const [name, value] of Object.entries(env)) {
        if (/TOKEN|PASSWORD|USERNAME/.test(name))
          expect(value, name).to.match(/^\$\{\{ secrets\.[A-Z_]+ \}\}$/);
      }
      if (file !== 'pact-setup.yml') {
        expect(Object.values(w.jobs)[0]?.if, 'skipped while no broker is configured').to.equal(
          "vars.PACT_BROKER_BASE_URL != ''",
        );
      }
    });
  }
});
