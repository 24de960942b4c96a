import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import { GENERATED_DOCUMENTS } from '../../src/generated/documents.ts';
import { componentNames, loadDocument, parseDocument } from '../../src/openapi/document.ts';
import {
  generatedFiles,
  generatedFilesOnDisk,
  SHIPPED_DOCUMENTS,
} from '../../src/openapi/generated-source.ts';
import { mutantsOf, sampleOfComponent } from '../../src/openapi/sample.ts';
import { compileValidators, QUICK_AFTER, validatorsFor } from '../../src/openapi/validators.ts';
import { repoPath } from '../helpers.ts';

// What the build derives from the documents the package ships (src/generated/): each document as parsed,
// and its validators as ajv's own standalone code. Held here to the documents, to what js-yaml parses and
// to what ajv compiles at run time. That a run on the seed loads neither js-yaml nor ajv, and only the
// seed's generated validators, test/cli/conformance.test.ts checks in a process of its own.

const sha256Of = (text: string) => createHash('sha256').update(text).digest('hex');

describe('the shipped documents, parsed and compiled at build time', () => {
  it('src/generated/ holds what the documents give now, and nothing more', () => {
    const want = generatedFiles();
    const have = generatedFilesOnDisk();
    expect([...have.keys()].sort(), 'run `npm run documents`').to.deep.equal([...want.keys()].sort());
    for (const [path, content] of want) {
      expect(have.get(path), `src/generated/${path}: run \`npm run documents\``).to.equal(content);
    }
  });

  it('hold each shipped document by the sha256 of its text, as js-yaml parses it; loaded fresh each time', () => {
    const shipped = SHIPPED_DOCUMENTS.map((path) => ({ path, text: readFileSync(path, 'utf8') }));
    expect(Object.keys(GENERATED_DOCUMENTS)).to.have.members(shipped.map(({ text }) => sha256Of(text)));
    for (const { path, text } of shipped) {
      const generated = GENERATED_DOCUMENTS[sha256Of(text)];
      expect(repoPath(generated?.path ?? '')).to.equal(path);
      const parsed = parseDocument(text, path);
      expect(JSON.parse(generated?.json ?? 'null')).to.deep.equal(parsed);
      const loaded = loadDocument(path);
      expect(loaded.document).to.deep.equal(parsed);
      expect(loadDocument(path).document, 'a copy of its own').not.to.equal(loaded.document);
    }
  });

  it('are used for a shipped document named by its sha256, and never for any other text', () => {
    for (const path of SHIPPED_DOCUMENTS) {
      const { document, sha256 } = loadDocument(path);
      expect(compileValidators(document, sha256).origin, path).to.equal('generated');
      expect(compileValidators(document).origin, path).to.equal('compiled');
      // One byte more: another text, so ajv compiles it now, whatever the generated code would say.
      const text = `${readFileSync(path, 'utf8')}\n`;
      const other = sha256Of(text);
      expect(other).not.to.equal(sha256);
      expect(compileValidators(parseDocument(text, path), other).origin).to.equal('compiled');
    }
  });

  // Every component's sample and every mutant the document gives, strict and not, on the first calls
  // (findings built at once) and on the fast path after them: generated and compiled answer alike.
  for (const path of SHIPPED_DOCUMENTS) {
    describe(path.slice(path.lastIndexOf('/') + 1), () => {
      const { document, sha256 } = loadDocument(path);
      const generated = compileValidators(document, sha256);
      const compiled = compileValidators(document);
      for (const component of componentNames(document)) {
        it(`${component}: the same valid and findings as ajv compiling the document now`, () => {
          const bodies: unknown[] = [
            sampleOfComponent(component, document),
            { ...(sampleOfComponent(component, document) as object), undeclared: true },
            ...mutantsOf(component, document).map((mutant) => mutant.data),
            [],
            null,
            'text',
          ];
          expect(bodies.length).to.be.greaterThan(6);
          expect(generated.origin).to.equal('generated');
          // Past the quick threshold: every body on the first calls, then on the fast path.
          for (let round = 0; round <= Math.ceil(QUICK_AFTER / bodies.length); round++) {
            for (const body of bodies) {
              for (const strict of [false, true]) {
                const want = compiled.validate(component, body, { strict });
                const got = generated.validate(component, body, { strict });
                expect(JSON.stringify(got), JSON.stringify(body)).to.equal(JSON.stringify(want));
              }
            }
          }
        });
      }
    });
  }

  it('are what validatorsFor gives the run, once per document', () => {
    const { document, sha256 } = loadDocument();
    const first = validatorsFor(document, sha256);
    expect(first.origin).to.equal('generated');
    expect(validatorsFor(document, sha256)).to.equal(first);
  });
});
