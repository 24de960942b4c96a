import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import { parse } from 'yaml';
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
    const outcome = (env: Record<string, string>) =>
      spawnSync('bash', ['-c', guard?.run ?? 'exit 0'], { env: { PATH: process.env.PATH, ...env } }).status;
    expect(outcome({ PROJECT_ID: 'proj_a' }), 'only a project id').to.equal(1);
    expect(outcome({ USER_KEY_ID: 'key_a' }), 'no project id').to.equal(1);
    expect(outcome({}), 'nothing').to.equal(1);
    expect(outcome({ PROJECT_ID: 'proj_a', USER_KEY_ID: 'key_a' })).to.equal(0);
    expect(outcome({ PROJECT_ID: 'proj_a', SERVICE_ACCOUNT_KEY_ID: 'key_s' })).to.equal(0);
  });
});
