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
    // The seed documents only 200: the 401 and 404 interactions are notes about the document and the
    // pact, never failures, and not warnings about the target.
    expect(checks.map((c) => c.status)).to.deep.equal(['note', 'note']);
    expect(checks.flatMap((c) => c.findings.map((f) => [f.severity, f.pointer]))).to.deep.equal([
      ['note', '/interactions/2/response/status'],
      ['note', '/interactions/3/response/status'],
      ['note', '/interactions/2/response/status'],
      ['note', '/interactions/3/response/status'],
    ]);
  });

  it('keeps an error about the pact an error: a pact the document does not allow still fails', () => {
    const [pact] = loadRunPacts({ pacts: [{ path: CONTRACT_PATH }] });
    const document = structuredClone(pact?.document) as { interactions: { request: { method: string } }[] };
    const first = document.interactions[0];
    if (first) first.request.method = 'POST';
    const [check] = checkPactsAgainstSpec(openapi, [{ ...(pact as NonNullable<typeof pact>), document }]);
    expect(check?.status).to.equal('fail');
    expect(check?.findings.map((f) => f.severity)).to.include.members(['error', 'note']);
  });

  it("lints the document's own examples as notes that belong to no pact", () => {
    const check = lintSpecExamples(openapi);
    expect([check.status, check.pact]).to.deep.equal(['note', undefined]);
    expect(check.findings.some((f) => f.pointer.endsWith('/owner/user/added_at'))).to.equal(true);
    expect(check.findings.every((f) => f.severity === 'note')).to.equal(true);
  });
});
