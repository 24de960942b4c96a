import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import { parse } from 'yaml';
import { repoPath } from './helpers.ts';

interface Step {
  run?: string;
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
});
