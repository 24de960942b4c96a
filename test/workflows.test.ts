import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { parse } from 'yaml';
import { runStep, stepNamed, stepsOf, workflow as workflowFile } from './broker/workflow-steps.ts';
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

  it("verifies the changed pact when the broker webhook dispatches, at GitHub's commit and branch, not the payload's", () => {
    const changed = workflowFile('pact-verify-changed.yml');
    expect(changed.on).to.deep.equal({
      repository_dispatch: { types: ['contract_requiring_verification_published'] },
    });
    // A repository_dispatch runs at the default branch's head: that commit and branch are the provider version.
    expect(named('pact-verify-changed.yml', 'Check the payload').env).to.deep.include({
      PACT_URL: '${{ github.event.client_payload.pact_url }}',
      PROVIDER_VERSION: '${{ github.sha }}',
      PROVIDER_BRANCH: '${{ github.ref_name }}',
    });
    const checkout = stepsOf(changed).find((s) => s.uses?.startsWith('actions/checkout'));
    expect(checkout?.with?.ref).to.equal('${{ steps.payload.outputs.sha }}');
    const verify = named('pact-verify-changed.yml', 'Verify the changed pact');
    expect(verify.env).to.include({
      PACT_URL: '${{ steps.payload.outputs.pact_url }}',
      PROVIDER_VERSION: '${{ steps.payload.outputs.sha }}',
      PROVIDER_BRANCH: '${{ steps.payload.outputs.branch }}',
    });
    expect(verify.run?.replace(/\\\n\s*/g, '')).to.include(
      '--pact-url "$PACT_URL" --provider-version "$PROVIDER_VERSION" --provider-branch "$PROVIDER_BRANCH" --publish-results',
    );
  });

  it('the webhook pact-setup.yml creates sends what pact-verify-changed.yml reads', () => {
    const hook = named('pact-setup.yml', 'Create the webhook').run ?? '';
    expect(hook).to.include('--contract-requiring-verification-published');
    const data = JSON.parse(/--data '([^']+)'/.exec(hook)?.[1] ?? '{}');
    expect(data).to.deep.equal({
      event_type: 'contract_requiring_verification_published',
      client_payload: { pact_url: '${pactbroker.pactUrl}' },
    });
    // And the workflow reads nothing else of the event.
    const read = JSON.stringify(workflowFile('pact-verify-changed.yml')).match(/github\.event\.[\w.]+/g);
    expect(read).to.deep.equal(['github.event.client_payload.pact_url']);
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

// The broker fills `${pactbroker.*}` into a webhook's body as they are, escaping nothing
// (pact_broker's Webhooks::Render: a plain gsub), so a value with a quote writes JSON of its own.
describe("GitHub Actions workflows for users: the broker webhook's payload", () => {
  const SHA = 'a'.repeat(40);
  const BRANCH = 'main';
  const BROKER = 'https://broker.example.test';
  const INJECTION = `x","branch":"attacker","sha":"${'0'.repeat(40)}","pact_url":"https://attacker.test/p","y":"`;
  /** Every parameter the broker fills in (pact_broker's PactAndVerificationParameters::ALL). */
  const PARAMETERS = [
    'consumerName',
    'providerName',
    'consumerVersionNumber',
    'providerVersionNumber',
    'providerVersionTags',
    'providerVersionDescriptions',
    'providerVersionBranch',
    'consumerVersionTags',
    'consumerVersionBranch',
    'pactUrl',
    'verificationResultUrl',
    'githubVerificationStatus',
    'bitbucketVerificationStatus',
    'azureDevOpsVerificationStatus',
    'gitlabVerificationStatus',
    'consumerLabels',
    'providerLabels',
    'eventName',
    'buildUrl',
  ];
  const template = () =>
    /--data '([^']+)'/.exec(stepNamed('pact-setup.yml', 'Create the webhook').run ?? '')?.[1] ?? '';
  /** A name in a URL path as the broker writes it (ERB::Util.url_encode: all but A-Z a-z 0-9 _ . - ~). */
  const urlEncode = (name: string) =>
    encodeURIComponent(name).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  const pactUrlOf = (consumer: string) =>
    `${BROKER}/pacts/provider/openai-admin-api/consumer/${urlEncode(consumer)}/pact-version/${'b'.repeat(40)}/metadata/Y3ZuPTEuMg`;
  /** The body as the broker sends it for a pact of `consumer`, every other parameter set to `value`. */
  const rendered = (consumer: string, value: string): string => {
    const parameters: Record<string, string> = {
      ...Object.fromEntries(PARAMETERS.map((name) => [name, value])),
      consumerName: consumer,
      pactUrl: pactUrlOf(consumer),
    };
    return Object.entries(parameters).reduce(
      (body, [name, given]) => body.replaceAll(`\${pactbroker.${name}}`, given),
      template(),
    );
  };

  it("pact-setup.yml: the body holds the pact's URL and nothing else, so no value anyone chooses can rewrite it", () => {
    for (const [consumer, value] of [
      ['web-app', '1.2.3'],
      [INJECTION, INJECTION],
      ['web-app', INJECTION],
    ] as const) {
      expect(JSON.parse(rendered(consumer, value)), consumer).to.deep.equal({
        event_type: 'contract_requiring_verification_published',
        client_payload: { pact_url: pactUrlOf(consumer) },
      });
    }
    // Not a consumer's values only: no provider version, branch or tag either (anyone who may create a
    // version on the broker chooses those), only the URL the broker builds.
    const used = [...template().matchAll(/\$\{pactbroker\.(\w+)\}/g)].map((m) => m[1]);
    expect(used).to.deep.equal(['pactUrl']);
  });

  const scratch = mkdtempSync(join(tmpdir(), 'workflow-payload-'));
  after(() => rmSync(scratch, { recursive: true, force: true }));
  let runs = 0;
  /** The payload check as the runner runs it, with `payload` in its environment: exit code, outputs, log. */
  const checkPayload = async (payload: {
    PACT_URL: string;
    PROVIDER_VERSION: string;
    PROVIDER_BRANCH: string;
  }) => {
    const outputs = join(scratch, `outputs-${runs++}`);
    writeFileSync(outputs, '');
    const { code, output } = await runStep('pact-verify-changed.yml', 'Check the payload', {
      PACT_BROKER_BASE_URL: `${BROKER}/`,
      PROVIDER: 'openai-admin-api',
      GITHUB_OUTPUT: outputs,
      ...payload,
    });
    return { code, output, outputs: readFileSync(outputs, 'utf8') };
  };
  const good = { PACT_URL: pactUrlOf('web-app'), PROVIDER_VERSION: SHA, PROVIDER_BRANCH: BRANCH };

  it('pact-verify-changed.yml passes on a commit SHA, a branch and a pact of this provider on this broker', async () => {
    for (const payload of [good, { ...good, PROVIDER_BRANCH: 'feat/x-1.2_y' }]) {
      const { code, output, outputs } = await checkPayload(payload);
      expect(code, output).to.equal(0);
      expect(outputs).to.equal(
        `sha=${payload.PROVIDER_VERSION}\nbranch=${payload.PROVIDER_BRANCH}\npact_url=${payload.PACT_URL}\n`,
      );
    }
    const hostileConsumer = await checkPayload({ ...good, PACT_URL: pactUrlOf(INJECTION) });
    expect(hostileConsumer.code, 'a consumer name as the broker encodes it').to.equal(0);
  });

  const refused: [string, Partial<typeof good>][] = [
    ['a SHA of 39 digits', { PROVIDER_VERSION: SHA.slice(1) }],
    ['a SHA in capitals', { PROVIDER_VERSION: SHA.toUpperCase() }],
    ['a SHA and a line', { PROVIDER_VERSION: `${SHA}\nbranch=attacker` }],
    ['a branch name', { PROVIDER_VERSION: 'main' }],
    ['a branch with a quote', { PROVIDER_BRANCH: 'x"y' }],
    ['a branch that is a flag', { PROVIDER_BRANCH: '--upload-pack=touch /tmp/x' }],
    ['a branch with a line', { PROVIDER_BRANCH: 'main\nsha=0' }],
    ['a branch that is a workflow command', { PROVIDER_BRANCH: '::error::x' }],
    ['a branch with ..', { PROVIDER_BRANCH: 'a/../b' }],
    ['a branch ending .lock', { PROVIDER_BRANCH: 'main.lock' }],
    ['a branch with a space', { PROVIDER_BRANCH: 'fix it' }],
    ['no branch', { PROVIDER_BRANCH: '' }],
    ['a pact on another host', { PACT_URL: good.PACT_URL.replace(BROKER, 'https://attacker.test') }],
    [
      'a pact on a host that starts like the broker',
      { PACT_URL: good.PACT_URL.replace(BROKER, `${BROKER}.attacker.test`) },
    ],
    ['a pact of another provider', { PACT_URL: good.PACT_URL.replace('openai-admin-api', 'other') }],
    ['a pact URL with a quote', { PACT_URL: `${good.PACT_URL}"` }],
    ['a pact URL with a query', { PACT_URL: `${good.PACT_URL}?x=1` }],
    [
      'a pact URL that climbs',
      { PACT_URL: `${BROKER}/pacts/provider/openai-admin-api/consumer/../../../x/pact-version/${SHA}` },
    ],
    ['a pact URL and a line', { PACT_URL: `${good.PACT_URL}\nsha=0` }],
    [
      'a pact URL whose consumer is ..',
      { PACT_URL: `${BROKER}/pacts/provider/openai-admin-api/consumer/../pact-version/${SHA}` },
    ],
    ['no pact URL', { PACT_URL: '' }],
  ];
  for (const [label, bad] of refused) {
    it(`pact-verify-changed.yml refuses ${label}, and never prints it`, async () => {
      const { code, output, outputs } = await checkPayload({ ...good, ...bad });
      expect(code, output).to.equal(1);
      expect(outputs, 'no output for the later steps').to.equal('');
      expect(output).to.match(
        /^(github\.sha|github\.ref_name|client_payload\.pact_url) is not .*: nothing is verified\n$/,
      );
      for (const value of Object.values(bad)) if (value) expect(output).not.to.include(value);
    });
  }

  it('pact-verify-changed.yml: only the payload check reads the payload; the rest take what it passed', () => {
    const changed = stepsOf(workflowFile('pact-verify-changed.yml'));
    const names = changed.map((step) => step.name ?? step.uses ?? step.run);
    const at = (name: string) => names.indexOf(name);
    expect(at('Check the payload')).to.equal(0);
    expect(at('actions/checkout@v4')).to.be.above(at('Check the payload'));
    expect(at('npm ci')).to.be.above(at('actions/checkout@v4'));
    for (const step of changed.slice(1)) {
      expect(JSON.stringify(step), String(step.name ?? step.uses)).not.to.include('github.event');
    }
  });
});
