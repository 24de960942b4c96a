import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { loadOpenApi } from '../../../src/conformance/stages/compile.ts';
import { loadRunPacts } from '../../../src/conformance/stages/pacts.ts';
import { PactFileError } from '../../../src/contract/pact.ts';
import { CONTRACT_PATH } from '../../../src/contract/pact-file.ts';
import { SpecError } from '../../../src/openapi/document.ts';
import { repoPath } from '../../helpers.ts';

describe('stage 1, load', () => {
  const dir = mkdtempSync(join(tmpdir(), 'load-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const file = (name: string, text: string) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };

  it('reads each pact once: its interactions, its parties, its sha256', () => {
    const [pact] = loadRunPacts({ pacts: [{ path: CONTRACT_PATH }] });
    expect(pact).to.include({ id: 'project-api-key-client', consumer: 'project-api-key-client' });
    expect(pact?.provider).to.equal('openai-admin-api');
    expect(pact?.sha256).to.match(/^[0-9a-f]{64}$/);
    expect(pact?.interactions.map((i) => i.state)).to.have.length(4);
  });

  it('names pacts by consumer, made unique, unless the source names it', () => {
    const pacts = loadRunPacts({
      pacts: [{ path: CONTRACT_PATH }, { path: CONTRACT_PATH }, { path: CONTRACT_PATH, id: 'from-broker' }],
    });
    expect(pacts.map((p) => p.id)).to.deep.equal([
      'project-api-key-client',
      'project-api-key-client-2',
      'from-broker',
    ]);
  });

  const bad: [string, string, RegExp][] = [
    ['not JSON', '<html>', /not a pact file/],
    ['not an object', '[1, 2]', /not a JSON object/],
    ['no interactions array', '{"consumer": {"name": "c"}}', /no interactions array/],
    ['an empty interactions array', '{"interactions": []}', /no interactions: nothing to verify/],
    ['interactions that are not objects', '{"interactions": [1, null]}', /interaction 0 is 1, not an object/],
    ['a null among objects', '{"interactions": [{"description": "a"}, null]}', /interaction 1 is null/],
  ];
  for (const [label, text, message] of bad) {
    it(`refuses a pact with ${label}: a PactFileError naming the file`, () => {
      const path = file(`${label.replaceAll(' ', '-')}.json`, text);
      expect(() => loadRunPacts({ pacts: [{ path }] }))
        .to.throw(PactFileError, message)
        .with.property('path', path);
    });
  }

  it('refuses a pact file that is not there, saying so in words', () => {
    expect(() => loadRunPacts({ pacts: [{ path: join(dir, 'none.json') }] })).to.throw(
      PactFileError,
      /no such file/,
    );
  });

  it('loads the document, its validators and the operation every path is built from', () => {
    const openapi = loadOpenApi({ specPath: repoPath('schemas/openapi.yaml') });
    expect(openapi.operation.path.template).to.equal('/organization/projects/{project_id}/api_keys/{key_id}');
    expect(openapi.validators.has('ProjectApiKey')).to.equal(true);
    expect(openapi.ownerKinds).to.have.members(['user', 'service_account']);
  });

  it('refuses a document without the retrieve operation as a SpecError', () => {
    const text = readFileSync(repoPath('schemas/openapi.yaml'), 'utf8').replace(
      'operationId: retrieve-project-api-key',
      'operationId: something-else',
    );
    const path = file('other.yaml', text);
    expect(() => loadOpenApi({ specPath: path })).to.throw(
      SpecError,
      /no GET operation retrieve-project-api-key/,
    );
  });
});
