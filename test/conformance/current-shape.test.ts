import { EventEmitter } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { runConformanceCli } from '../../src/cli/conformance.ts';
import { CONTRACTS } from '../../src/contract/pact-file.ts';
import { conformanceFlags, startReferenceProvider } from '../../src/provider/index.ts';
import type { ConformanceResult } from '../../src/report/conformance-result.ts';
import { REPORT_FILES } from '../../src/report/files.ts';
import { NEWER_SPEC_PATH } from '../helpers.ts';

// Today's real shape as a first-class target: today's document and the pact generated from it pass against
// a provider serving that shape, and fail against one serving the seed's.

const canary = 'sk-admin-current-shape-canary-0123456789';
const TODAY = ['--spec', NEWER_SPEC_PATH, '--pact', CONTRACTS.current.path];

describe("conformance to today's document (--spec current, --pact current)", function () {
  this.timeout(60_000);
  const scratch = mkdtempSync(join(tmpdir(), 'current-shape-'));
  after(() => rmSync(scratch, { recursive: true, force: true }));

  const run = async (argv: string[], env: NodeJS.ProcessEnv = {}) => {
    const dir = mkdtempSync(join(scratch, 'run-'));
    const output: string[] = [];
    const code = await runConformanceCli([...argv, '--report-dir', dir], {
      env,
      io: { stdout: (t) => output.push(t), stderr: (t) => output.push(t) },
      signals: new EventEmitter(),
    });
    const result = JSON.parse(readFileSync(join(dir, REPORT_FILES.json), 'utf8')) as ConformanceResult;
    return { code, result, output: output.join('') };
  };
  const failing = (result: ConformanceResult) =>
    result.checks.filter((c) => c.status === 'fail').map((c) => c.category);

  const cases: { shape: 'seed' | 'current'; code: number; failing: string[] }[] = [
    { shape: 'current', code: 0, failing: [] },
    // Both pact interactions for a key, the list's (its keys are the seed's shape) and both schema checks:
    // the seed's owners, no last_used_at.
    { shape: 'seed', code: 1, failing: ['pact', 'pact', 'pact', 'schema', 'schema'] },
  ];
  for (const { shape, code, failing: categories } of cases) {
    it(`--reference-shape ${shape}: exit ${code}`, async () => {
      const { code: exit, result, output } = await run([...TODAY, '--reference-shape', shape]);
      expect(exit, output).to.equal(code);
      expect(result.target.reference).to.equal(true);
      expect(result.spec.path).to.equal('schemas/openai-openapi-f85dbe2.yaml');
      expect(result.pacts.map((p) => p.path)).to.deep.equal([
        'contracts/project-api-key-client-current-openai-admin-api.json',
      ]);
      expect(failing(result)).to.have.members(categories);
      if (shape === 'seed') {
        const pointers = result.checks
          .filter((c) => c.category === 'schema')
          .flatMap((c) => c.findings.filter((f) => f.severity === 'error').map((f) => f.pointer));
        expect(pointers).to.include.members([
          '/last_used_at',
          '/owner_project_access',
          '/owner/user/created_at',
        ]);
      }
    });
  }

  for (const { shape, code } of cases) {
    it(`a provider started with --shape ${shape}, verified by --base-url: exit ${code}`, async () => {
      const provider = await startReferenceProvider({ adminKey: canary, shape });
      try {
        const { code: exit, result } = await run([...conformanceFlags(provider), ...TODAY], {
          OPENAI_ADMIN_KEY: canary,
        });
        expect(exit).to.equal(code);
        expect(result.verdict).to.equal(code === 0 ? 'pass' : 'fail');
        // Today's pact has five interactions: the four retrieves and the list (verified through the gateway).
        expect(result.checks.filter((c) => c.category === 'pact' && c.status === 'pass')).to.have.length(
          code === 0 ? 5 : 2,
        );
        const list = result.checks.find(
          (c) => c.name === "a request for the first page of a project's API keys",
        );
        expect(list?.status).to.equal(code === 0 ? 'pass' : 'fail');
      } finally {
        await provider.close();
      }
    });
  }

  it('the seed pact and document still pass against the default reference provider', async () => {
    const { code, result } = await run([]);
    expect(code).to.equal(0);
    expect(result.spec.path).to.equal('schemas/openapi.yaml');
  });
});
