import { execFile } from 'node:child_process';
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
// to what ajv compiles at run time.

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

  it('spare a run on the seed loading js-yaml or ajv at all', async () => {
    // In a process of its own: this one has loaded both for other tests.
    const script = [
      "import { createRequire } from 'node:module';",
      "import { loadDocument } from './src/openapi/document.ts';",
      "import { validatorsFor } from './src/openapi/validators.ts';",
      'const { document, sha256 } = loadDocument();',
      "const result = validatorsFor(document, sha256).validate('ProjectApiKey', {});",
      'const cache = createRequire(import.meta.url).cache;',
      'const loaded = Object.keys(cache).filter((path) => /node_modules\\/(ajv|ajv-formats|js-yaml)\\//.test(path));',
      'const generated = Object.keys(cache).filter((path) => path.includes("/src/generated/validators/"));',
      'console.log(JSON.stringify({ valid: result.valid, findings: result.findings.length, loaded, generated }));',
    ].join('\n');
    const output = await new Promise<string>((resolve, reject) =>
      execFile(
        process.execPath,
        ['--import', 'tsx', '--input-type=module', '-e', script],
        { cwd: repoPath('.') },
        (error, stdout, stderr) => (error ? reject(new Error(stderr)) : resolve(stdout)),
      ),
    );
    const { valid, findings, loaded, generated } = JSON.parse(output) as {
      valid: boolean;
      findings: number;
      loaded: string[];
      generated: string[];
    };
    expect(valid).to.equal(false);
    expect(findings).to.be.greaterThan(0);
    expect(loaded, 'js-yaml or ajv').to.deep.equal([]);
    // Only the seed's allErrors validators: the quick ones wait for many bodies, today's document for its run.
    expect(generated.map((path) => path.slice(path.lastIndexOf('/') + 1))).to.deep.equal([
      'openapi.full.cjs',
    ]);
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
