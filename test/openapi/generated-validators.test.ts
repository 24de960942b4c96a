import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import { GENERATED_VALIDATORS } from '../../src/generated/validators.ts';
import { componentNames, loadDocument, parseDocument } from '../../src/openapi/document.ts';
import { mutantsOf, sampleOfComponent } from '../../src/openapi/sample.ts';
import { compileValidators, QUICK_AFTER, validatorsFor } from '../../src/openapi/validators.ts';
import {
  GENERATED_DOCUMENTS,
  GENERATED_VALIDATORS_PATH,
  generateValidatorsSource,
} from '../../src/openapi/validators-source.ts';
import { readText, repoPath } from '../helpers.ts';

// The validators of the documents the package ships are ajv's own standalone code, generated ahead of
// the run (src/generated/validators.ts): held here to the documents and to what ajv compiles at run time.

describe('validators generated at build time', () => {
  it('src/generated/validators.ts is what ajv generates from the documents now', () => {
    expect(readText(GENERATED_VALIDATORS_PATH), 'run `npm run validators`').to.equal(
      generateValidatorsSource(),
    );
  });

  it('hold one entry per shipped document, keyed by the sha256 of its text', () => {
    const shipped = GENERATED_DOCUMENTS.map((path) => loadDocument(path));
    expect(Object.keys(GENERATED_VALIDATORS)).to.have.members(shipped.map((d) => d.sha256));
    for (const { sha256, path } of shipped) {
      expect(repoPath(GENERATED_VALIDATORS[sha256]?.path ?? '')).to.equal(path);
    }
  });

  it('are used for a shipped document named by its sha256, and never for any other text', () => {
    for (const path of GENERATED_DOCUMENTS) {
      const { document, sha256 } = loadDocument(path);
      expect(compileValidators(document, sha256).origin, path).to.equal('generated');
      expect(compileValidators(document).origin, path).to.equal('compiled');
      // One byte more: another text, so ajv compiles it now, whatever the generated code would say.
      const text = `${readFileSync(path, 'utf8')}\n`;
      const other = createHash('sha256').update(text).digest('hex');
      expect(other).not.to.equal(sha256);
      expect(compileValidators(parseDocument(text, path), other).origin).to.equal('compiled');
    }
  });

  it('spare a run on the seed loading ajv at all', async () => {
    // In a process of its own: this one has loaded ajv for other tests.
    const script = [
      "import { createRequire } from 'node:module';",
      "import { loadDocument } from './src/openapi/document.ts';",
      "import { validatorsFor } from './src/openapi/validators.ts';",
      'const { document, sha256 } = loadDocument();',
      "const result = validatorsFor(document, sha256).validate('ProjectApiKey', {});",
      'const cache = createRequire(import.meta.url).cache;',
      'const ajv = Object.keys(cache).filter((path) => /node_modules\\/ajv(-formats)?\\//.test(path));',
      'console.log(JSON.stringify({ valid: result.valid, findings: result.findings.length, ajv }));',
    ].join('\n');
    const output = await new Promise<string>((resolve, reject) =>
      execFile(
        process.execPath,
        ['--import', 'tsx', '--input-type=module', '-e', script],
        { cwd: repoPath('.') },
        (error, stdout, stderr) => (error ? reject(new Error(stderr)) : resolve(stdout)),
      ),
    );
    const { valid, findings, ajv } = JSON.parse(output) as {
      valid: boolean;
      findings: number;
      ajv: string[];
    };
    expect(valid).to.equal(false);
    expect(findings).to.be.greaterThan(0);
    expect(ajv).to.deep.equal([]);
  });

  // Every component's sample and every mutant the document gives, strict and not, on the first calls
  // (findings built at once) and on the fast path after them: generated and compiled answer alike.
  for (const path of GENERATED_DOCUMENTS) {
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
