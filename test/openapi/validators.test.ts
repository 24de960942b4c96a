import { expect } from 'chai';
import type { Finding } from '../../src/core/finding.ts';
import { componentNames, loadDocument, type OpenApiDocument } from '../../src/openapi/document.ts';
import { lintExamples } from '../../src/openapi/lint.ts';
import { mutantsOf, sampleOfComponent } from '../../src/openapi/sample.ts';
import {
  compileValidators,
  QUICK_AFTER,
  UnknownComponentError,
  validatorsFor,
} from '../../src/openapi/validators.ts';
import { drop, type Edit, edited, NEWER_SPEC_PATH, seed } from '../helpers.ts';

const validators = validatorsFor(seed.document);
const errorsOf = (findings: Finding[]) => findings.filter((f) => f.severity === 'error');
const at = (findings: Finding[], pointer: string, keyword: string) =>
  findings.filter((f) => f.pointer === pointer && f.keyword === keyword);

/** A valid ProjectApiKey built from the document, with edits at pointers. */
const apiKey = (...edits: Edit[]) => edited(sampleOfComponent('ProjectApiKey', seed.document), ...edits);

describe('validators', () => {
  it('are compiled once per document and process', () => {
    expect(validatorsFor(seed.document)).to.equal(validators);
  });

  it('cover every component of the document', () => {
    expect(validators.components).to.deep.equal(componentNames(seed.document));
    expect(validators.components).to.include.members([
      'ProjectApiKey',
      'ProjectUser',
      'ProjectServiceAccount',
    ]);
  });

  it('refuse a component the document does not define', () => {
    expect(() => validators.validate('NoSuchThing', {})).to.throw(UnknownComponentError, /NoSuchThing/);
  });

  describe('table of cases', () => {
    const cases: { description: string; component: string; data: unknown; want: [string, string][] }[] = [
      { description: 'a full key owned by a user', component: 'ProjectApiKey', data: apiKey(), want: [] },
      {
        description: 'owner.type outside its enum',
        component: 'ProjectApiKey',
        data: apiKey(['/owner/type', 'robot']),
        want: [['/owner/type', 'enum']],
      },
      {
        description: 'nested user without added_at',
        component: 'ProjectApiKey',
        data: apiKey(['/owner/user/added_at', drop]),
        want: [['/owner/user/added_at', 'required']],
      },
      {
        description: 'created_at as a string',
        component: 'ProjectApiKey',
        data: apiKey(['/created_at', '2024-03-26']),
        want: [['/created_at', 'type']],
      },
      {
        description: 'created_at a fraction, not an integer',
        component: 'ProjectApiKey',
        data: apiKey(['/created_at', 1.5]),
        want: [['/created_at', 'type']],
      },
      {
        description: 'several faults at once are all reported',
        component: 'ProjectApiKey',
        data: apiKey(['/redacted_value', drop], ['/owner/service_account/role', 'admin'], ['/name', null]),
        want: [
          ['/redacted_value', 'required'],
          ['/owner/service_account/role', 'enum'],
          ['/name', 'type'],
        ],
      },
      { description: 'an array at the root', component: 'ProjectUser', data: [], want: [['', 'type']] },
      {
        description: 'a bare object with nothing in it',
        component: 'ProjectServiceAccount',
        data: {},
        want: [
          ['/object', 'required'],
          ['/id', 'required'],
        ],
      },
    ];
    for (const { description, component, data, want } of cases) {
      it(`${component}: ${description}`, () => {
        const result = validators.validate(component, data);
        expect(result.valid).to.equal(want.length === 0);
        for (const [pointer, keyword] of want) {
          expect(
            at(result.findings, pointer, keyword),
            `${keyword} at ${pointer}`,
          ).to.have.length.greaterThan(0);
        }
        // invariant: valid exactly when there is no error finding
        expect(result.valid).to.equal(errorsOf(result.findings).length === 0);
      });
    }
  });

  describe('undeclared properties', () => {
    const data = apiKey(['/last_used_at', 1711471534], ['/owner/user/created_at', 1]);

    it('are warnings by default, at the pointer of the property', () => {
      const { valid, findings } = validators.validate('ProjectApiKey', data);
      expect(valid).to.equal(true);
      expect(findings.map((f) => [f.pointer, f.severity])).to.have.deep.members([
        ['/last_used_at', 'warning'],
        ['/owner/user/created_at', 'warning'],
      ]);
    });

    it('are errors in strict mode', () => {
      const { valid, findings } = validators.validate('ProjectApiKey', data, { strict: true });
      expect(valid).to.equal(false);
      expect(errorsOf(findings).map((f) => f.pointer)).to.have.members([
        '/last_used_at',
        '/owner/user/created_at',
      ]);
    });
  });

  describe('the fast path a component takes once it is validated often', () => {
    // Every kind of body, each as strict and not: what the fast path answers must be what the first
    // calls (one allErrors validator, findings built at once) answered.
    const bodies: [string, unknown][] = [
      ['valid', apiKey()],
      ['undeclared only', apiKey(['/last_used_at', 1], ['/owner/user/created_at', 1])],
      ['invalid', apiKey(['/owner/type', 'robot'], ['/created_at', 'x'], ['/owner/user/added_at', drop])],
      ['invalid and undeclared', apiKey(['/id', 7], ['/extra', { a: 1 }])],
      ['not an object', 'key_abc'],
    ];
    const cold = () => compileValidators(seed.document);
    const warm = compileValidators(seed.document);
    for (let i = 0; i < QUICK_AFTER; i++) warm.validate('ProjectApiKey', apiKey());

    for (const [label, body] of bodies) {
      for (const strict of [false, true]) {
        it(`${label}${strict ? ', strict' : ''}: the same valid and findings`, () => {
          const first = cold().validate('ProjectApiKey', body, { strict });
          const fast = warm.validate('ProjectApiKey', body, { strict });
          expect(fast.valid).to.equal(first.valid);
          expect(fast.findings).to.deep.equal(first.findings);
          expect(JSON.parse(JSON.stringify(fast))).to.deep.equal(JSON.parse(JSON.stringify(first)));
          expect(fast).to.deep.equal(first); // findings read as data: enumerable, compared by value
        });
      }
    }

    it('builds findings once, when first read', () => {
      const result = warm.validate('ProjectApiKey', apiKey(['/owner/type', 'robot']));
      expect(result.findings).to.equal(result.findings);
      expect(Object.keys(JSON.parse(JSON.stringify(result)))).to.deep.equal(['valid', 'findings']);
    });
  });

  describe('mutations generated from the document', () => {
    const documents: [string, () => OpenApiDocument][] = [
      ['seed (OpenAPI 3.0)', () => seed.document],
      ['newer public document (OpenAPI 3.1)', () => loadDocument(NEWER_SPEC_PATH).document],
    ];

    for (const [label, load] of documents) {
      describe(label, () => {
        const document = load();
        const compiled = compileValidators(document);
        for (const component of componentNames(document)) {
          it(`${component}: the sample with every property is valid`, () => {
            const result = compiled.validate(component, sampleOfComponent(component, document), {
              strict: true,
            });
            expect(result.findings).to.deep.equal([]);
          });
          const mutants = mutantsOf(component, document);
          it(`${component}: ${mutants.length} mutants are each rejected at the right pointer`, () => {
            expect(mutants.length).to.be.greaterThan(0);
            for (const mutant of mutants) {
              const result = compiled.validate(component, mutant.data);
              expect(result.valid, mutant.description).to.equal(false);
              expect(
                at(result.findings, mutant.pointer, mutant.keyword),
                mutant.description,
              ).to.have.length.greaterThan(0);
            }
          });
        }
      });
    }

    it('cover each required property and enum of the seed, nested owners included', () => {
      const described = mutantsOf('ProjectApiKey', seed.document).map((m) => `${m.keyword} ${m.pointer}`);
      const user = seed.document.components?.schemas?.ProjectUser as { required: string[] };
      for (const property of user.required) expect(described).to.include(`required /owner/user/${property}`);
      expect(described).to.include('enum /owner/type');
      expect(described).to.include('enum /owner/service_account/role');
    });
  });
});

describe('lintExamples', () => {
  const lints = lintExamples(seed.document, validators);

  it("reports the seed's ProjectApiKey example invalid at /owner/user/added_at", () => {
    const lint = lints.find((l) => l.component === 'ProjectApiKey');
    expect(lint?.location).to.equal('/components/schemas/ProjectApiKey/x-oaiMeta/example');
    expect(lint?.valid).to.equal(false);
    expect(errorsOf(lint?.findings ?? []).map((f) => f.pointer)).to.deep.equal(['/owner/user/added_at']);
  });

  it('finds the other examples valid', () => {
    const others = lints.filter((l) => l.component !== 'ProjectApiKey');
    expect(others.map((l) => l.component)).to.have.members(['ProjectUser', 'ProjectServiceAccount']);
    for (const lint of others) expect(lint.valid, lint.component).to.equal(true);
  });

  it('reports an example that is not JSON', () => {
    const document = edited(seed.document, [
      '/components/schemas/ProjectUser/x-oaiMeta/example',
      '{ not json',
    ]);
    const lint = lintExamples(document, compileValidators(document)).find(
      (l) => l.component === 'ProjectUser',
    );
    expect(lint?.findings[0]?.keyword).to.equal('json');
  });
});
