import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { parse } from 'yaml';
import { USAGE } from '../src/conformance/config.ts';
import { repoPath } from './helpers.ts';

interface Step {
  name?: string;
  shell?: string;
  run?: string;
  uses?: string;
  env?: Record<string, string>;
  'working-directory'?: string;
}
interface Action {
  name: string;
  description: string;
  inputs: Record<string, { description: string; required?: boolean; default?: string }>;
  runs: { using: string; steps: Step[] };
}

const action = parse(readFileSync(repoPath('action.yml'), 'utf8')) as Action;
const steps = action.runs.steps;
const verify = steps.find((s) => s.run?.includes('dist/cli/bin.js') && s.run.includes(' conformance'));
/** The flags `conformance --help` documents, as the action's inputs must name them. */
const FLAGS = [...new Set([...USAGE.matchAll(/--([a-z][a-z-]*)/g)].map((m) => m[1] as string))];

describe('action.yml: the composite GitHub Action', () => {
  it('is a composite action whose run steps all name their shell', () => {
    expect(action.runs.using).to.equal('composite');
    for (const step of steps.filter((s) => s.run)) expect(step.shell, step.name).to.equal('bash');
  });

  it('has one input per conformance flag, and none for the admin key', () => {
    expect(FLAGS).to.include.members(['base-url', 'project-id', 'strict', 'pact']);
    expect(Object.keys(action.inputs)).to.have.members(FLAGS);
    for (const name of Object.keys(action.inputs)) expect(name).not.to.match(/key$|secret|token|admin/i);
    expect(action.description).to.include('OPENAI_ADMIN_KEY');
  });

  it('installs and builds the suite where the action was checked out, then runs the compiled CLI', () => {
    const install = steps.find((s) => s.run?.includes('npm ci'));
    expect(install?.['working-directory']).to.equal('${{ github.action_path }}');
    expect(install?.run).to.include('npm run build');
    expect(steps.indexOf(install as Step)).to.be.lessThan(steps.indexOf(verify as Step));
    expect(verify?.run).to.include('node "$GITHUB_ACTION_PATH/dist/cli/bin.js" conformance');
  });

  it('reads inputs only from the environment: no expression and no secret inside a script', () => {
    for (const step of steps) expect(step.run ?? '', step.name).not.to.match(/\$\{\{/);
    for (const name of Object.keys(action.inputs)) {
      const variable = `INPUT_${name.toUpperCase().replaceAll('-', '_')}`;
      expect(verify?.env?.[variable], variable).to.equal(`\${{ inputs.${name} }}`);
    }
    expect(JSON.stringify(action)).not.to.match(/secrets\./);
  });

  describe('the verify script turns inputs into flags', () => {
    const dir = mkdtempSync(join(tmpdir(), 'action-'));
    after(() => rmSync(dir, { recursive: true, force: true }));
    // A `node` that records the arguments it was given, one per line, in place of the real CLI.
    const recorded = join(dir, 'argv');
    writeFileSync(join(dir, 'node'), `#!/usr/bin/env bash\nprintf '%s\\n' "$@" > "${recorded}"\n`);
    chmodSync(join(dir, 'node'), 0o755);
    const argvFor = (inputs: Record<string, string>): string[] => {
      const env: NodeJS.ProcessEnv = { PATH: `${dir}:${process.env.PATH}`, GITHUB_ACTION_PATH: '/action' };
      for (const [name, input] of Object.entries(action.inputs)) {
        env[`INPUT_${name.toUpperCase().replaceAll('-', '_')}`] = inputs[name] ?? input.default ?? '';
      }
      execFileSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', verify?.run ?? 'false'], {
        env,
      });
      return readFileSync(recorded, 'utf8').split('\n').slice(0, -1);
    };

    it('defaults: only the report dir', () => {
      expect(argvFor({})).to.deep.equal([
        '/action/dist/cli/bin.js',
        'conformance',
        '--report-dir',
        'reports',
      ]);
    });

    it('every input given, values with spaces and quotes kept whole, strict as a bare flag', () => {
      const argv = argvFor({
        'base-url': 'https://api.example.test/v1',
        'project-id': 'proj_1',
        'user-key-id': 'key_u',
        'service-account-key-id': 'key_s',
        'report-dir': 'out dir',
        timeout: '5000',
        retries: '0',
        'max-time': '60000',
        strict: 'true',
        spec: 'spec "x".yaml',
        pact: '$(touch pwned).json',
      });
      expect(argv.slice(2)).to.deep.equal([
        '--base-url',
        'https://api.example.test/v1',
        '--project-id',
        'proj_1',
        '--user-key-id',
        'key_u',
        '--service-account-key-id',
        'key_s',
        '--report-dir',
        'out dir',
        '--timeout',
        '5000',
        '--retries',
        '0',
        '--max-time',
        '60000',
        '--strict',
        '--spec',
        'spec "x".yaml',
        '--pact',
        '$(touch pwned).json',
      ]);
      expect(existsSync(join(dir, 'pwned')), 'an input was run as shell code').to.equal(false);
    });

    it('also-spec one document per line, repeated; broker inputs as flags; pending and publish as bare flags', () => {
      const argv = argvFor({
        'also-spec': 'schemas/a.yaml\nother docs/b.yaml',
        'reference-shape': 'current',
        'broker-url': 'https://broker.example.test',
        'provider-name': 'admin-api',
        'provider-version': 'abc123',
        'provider-branch': 'main',
        'consumer-version-selectors': '[{"mainBranch":true}]',
        'enable-pending': 'true',
        'include-wip-pacts-since': '2026-01-01',
        'publish-results': 'true',
      });
      expect(argv.slice(4)).to.deep.equal([
        '--also-spec',
        'schemas/a.yaml',
        '--also-spec',
        'other docs/b.yaml',
        '--reference-shape',
        'current',
        '--broker-url',
        'https://broker.example.test',
        '--provider-name',
        'admin-api',
        '--provider-version',
        'abc123',
        '--provider-branch',
        'main',
        '--consumer-version-selectors',
        '[{"mainBranch":true}]',
        '--enable-pending',
        '--include-wip-pacts-since',
        '2026-01-01',
        '--publish-results',
      ]);
    });

    it("strict other than 'true' adds nothing", () => {
      expect(argvFor({ strict: 'false' })).not.to.include('--strict');
    });
  });
});
