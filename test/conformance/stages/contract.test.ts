import { expect } from 'chai';
import { loadOpenApi } from '../../../src/conformance/stages/compile.ts';
import { checkPactsAgainstSpec, lintSpecExamples } from '../../../src/conformance/stages/contract.ts';
import { loadRunPacts } from '../../../src/conformance/stages/pacts.ts';
import { CONTRACT_PATH } from '../../../src/contract/pact-file.ts';
import { repoPath } from '../../helpers.ts';

describe('stage 2, contract checks', () => {
  const openapi = loadOpenApi({ specPath: repoPath('schemas/openapi.yaml') });

  it('checks each pact against the document, one check per pact that names it', () => {
    const pacts = loadRunPacts({ pacts: [{ path: CONTRACT_PATH }, { path: CONTRACT_PATH, id: 'second' }] });
    const checks = checkPactsAgainstSpec(openapi, pacts);
    expect(checks.map((c) => [c.category, c.pact])).to.deep.equal([
      ['contract', 'project-api-key-client'],
      ['contract', 'second'],
    ]);
    // The seed documents only 200: the 401 and 404 interactions are warnings, never failures.
    expect(checks.map((c) => c.status)).to.deep.equal(['warn', 'warn']);
  });

  it("lints the document's own examples as warnings that belong to no pact", () => {
    const check = lintSpecExamples(openapi);
    expect([check.status, check.pact]).to.deep.equal(['warn', undefined]);
    expect(check.findings.some((f) => f.pointer.endsWith('/owner/user/added_at'))).to.equal(true);
    expect(check.findings.every((f) => f.severity === 'warning')).to.equal(true);
  });
});
