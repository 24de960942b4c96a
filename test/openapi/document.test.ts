import { expect } from 'chai';
import { loadDocument, parseDocument, SpecError } from '../../src/openapi/document.ts';
import {
  GENERATED_TYPES,
  GENERATED_TYPES_PATH,
  generateTypesSource,
} from '../../src/openapi/types-source.ts';
import { NEWER_SPEC_PATH, readText, repoPath, SEED_PAGE_PATH, seed } from '../helpers.ts';

describe('the document', () => {
  it('schemas/openapi.yaml is the seed page’s OpenAPI block, verbatim', () => {
    const page = readText(SEED_PAGE_PATH);
    const block = /^````yaml[^\n]*\n([\s\S]*?)^````$/m.exec(page)?.[1];
    expect(block).to.be.a('string');
    expect(readText(repoPath('schemas/openapi.yaml'))).to.equal(block);
  });

  it('schemas/openai-openapi-f85dbe2.yaml is the copy schemas/README.md names, by sha256', () => {
    const line = readText(repoPath('schemas/README.md'))
      .split('\n')
      .find((text) => text.startsWith('| `openai-openapi-f85dbe2.yaml`'));
    const stated = /sha256 `([0-9a-f]{64})`/.exec(line ?? '')?.[1];
    expect(stated, 'a sha256 on its line of schemas/README.md').to.be.a('string');
    expect(loadDocument(NEWER_SPEC_PATH).sha256).to.equal(stated);
  });

  it('is OpenAPI 3.0 with the retrieve operation and a sha256 for reports', () => {
    expect(seed.document.openapi).to.match(/^3\.0\./);
    expect(seed.document.paths).to.have.property('/organization/projects/{project_id}/api_keys/{key_id}');
    expect(seed.sha256).to.match(/^[0-9a-f]{64}$/);
  });

  const bad: [string, string, RegExp][] = [
    ['not YAML', 'a: [', /not YAML/],
    ['no version', 'info: {}', /no "openapi"/],
    ['OpenAPI 2', 'swagger: "2.0"\nopenapi: "2.0"', /not supported/],
    ['no schemas', 'openapi: 3.0.0\npaths: {}', /components\/schemas/],
  ];
  for (const [label, text, message] of bad) {
    it(`refuses a document with ${label}`, () => {
      expect(() => parseDocument(text, 'x.yaml')).to.throw(SpecError, message);
    });
  }

  it('refuses a missing file with its path, in words', () => {
    expect(() => loadDocument('/nonexistent/spec.yaml')).to.throw(
      SpecError,
      /^cannot read the OpenAPI document \/nonexistent\/spec\.yaml: no such file$/,
    );
  });

  it("src/generated/'s types are current with the shipped documents, the seed's and today's", async () => {
    expect(GENERATED_TYPES.map(({ path }) => path)).to.include(GENERATED_TYPES_PATH);
    for (const { spec, path } of GENERATED_TYPES) {
      expect(readText(path), `${path}: run \`npm run types\``).to.equal(await generateTypesSource(spec));
    }
  });
});
