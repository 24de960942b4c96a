import { expect } from 'chai';
import { runSpecLint } from '../../src/cli/spec-lint.ts';

const run = (args: string[]) => {
  const out: string[] = [];
  const err: string[] = [];
  const code = runSpecLint(args, { stdout: (t) => out.push(t), stderr: (t) => err.push(t) });
  return { code, stdout: out.join(''), stderr: err.join('') };
};

describe('npm run spec-lint', () => {
  it("exits 1 and names the seed example's missing added_at", () => {
    const { code, stdout } = run([]);
    expect(code).to.equal(1);
    expect(stdout).to.match(/INVALID \/components\/schemas\/ProjectApiKey\/x-oaiMeta\/example/);
    expect(stdout).to.match(/error\s+\/owner\/user\/added_at/);
    expect(stdout).to.match(/1 of 3 examples invalid/);
  });

  it('--json gives the lint as data', () => {
    const lints = JSON.parse(run(['--json']).stdout);
    expect(lints.filter((l: { valid: boolean }) => !l.valid)).to.have.length(1);
  });

  it('exits 2 for a spec it cannot read', () => {
    const { code, stderr } = run(['--spec', '/nonexistent.yaml']);
    expect(code).to.equal(2);
    expect(stderr).to.match(
      /^spec-lint: cannot read the OpenAPI document \/nonexistent\.yaml: no such file$/m,
    );
  });
});
