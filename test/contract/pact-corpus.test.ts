import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SwaggerMockValidatorFactory } from '@pactflow/swagger-mock-validator';
import { expect } from 'chai';
import { specificationOf } from '../../src/contract/check-pact.ts';
import { checkPact } from '../../src/lib/index.ts';
import { CURRENT_SPEC_PATH, DEFAULT_SPEC_PATH } from '../../src/openapi/default-path.ts';
import { loadDocument } from '../../src/openapi/document.ts';
import { readText, repoPath } from '../helpers.ts';

// Foreign pacts (test/fixtures/pacts/, as pact-js, pact-jvm and pact-go write them) judged three ways:
// by pact-check, by swagger-mock-validator and by openapi-pact-comparator, PactFlow's two engines. Each
// tool's verdict is stated per pact; where one differs from ours, the README says why, by the pact's name.

// The package's own types do not resolve under NodeNext (extensionless relative imports): the part used.
interface Comparator {
  compare(pact: unknown): AsyncIterable<{ type: 'error' | 'warning'; code: string }>;
}
const { Comparator } = (await import('@pactflow/openapi-pact-comparator')) as unknown as {
  Comparator: new (document: unknown) => Comparator;
};

const CORPUS_DIR = repoPath('test/fixtures/pacts');
const DOCUMENTS = {
  seed: DEFAULT_SPEC_PATH,
  current: CURRENT_SPEC_PATH,
  closed: repoPath('test/fixtures/openapi-closed.yaml'),
} as const;

type Verdict = 'compatible' | 'not compatible';
interface Case {
  /** The document it is judged against: the seed's, today's, or the seed's with ProjectApiKey closed. */
  spec: keyof typeof DOCUMENTS;
  /** Ours, with the keywords of our errors. */
  ours: Verdict;
  errors?: string[];
  smv: Verdict;
  opc: Verdict;
}

const OK: Verdict = 'compatible';
const NOT: Verdict = 'not compatible';
const agreed = (verdict: Verdict, errors?: string[]): Omit<Case, 'spec'> => ({
  ours: verdict,
  smv: verdict,
  opc: verdict,
  ...(errors && { errors }),
});

const CORPUS: Record<string, Case> = {
  'pact-go-v1-v2-basic-auth': { spec: 'seed', ours: NOT, errors: ['security'], smv: OK, opc: NOT },
  'pact-go-v1-v2-user-key': { spec: 'seed', ...agreed(OK) },
  'pact-go-v2-v2-header-rules': { spec: 'seed', ...agreed(OK) },
  'pact-go-v2-v3-regex-wrong-constant': { spec: 'seed', ...agreed(NOT, ['enum', 'regex']) },
  'pact-go-v2-v3-service-account': { spec: 'seed', ...agreed(OK) },
  'pact-go-v2-v4-decimal-on-integer': { spec: 'seed', ours: NOT, errors: ['decimal'], smv: OK, opc: OK },
  'pact-go-v2-v4-delete': { spec: 'seed', ...agreed(NOT, ['method']) },
  'pact-go-v2-v4-integer-on-string': { spec: 'seed', ...agreed(NOT, ['type', 'integer']) },
  'pact-go-v2-v4-user-key': { spec: 'seed', ...agreed(OK) },
  'pact-js-v2-eachlike-not-array': { spec: 'seed', ...agreed(NOT, ['type', 'eachLike', 'type']) },
  'pact-js-v2-regex-no-enum-value': { spec: 'seed', ...agreed(NOT, ['enum', 'regex']) },
  'pact-js-v2-type-number-for-string': { spec: 'seed', ...agreed(NOT, ['type', 'enum', 'type']) },
  'pact-js-v2-user-key': { spec: 'seed', ...agreed(OK) },
  'pact-js-v2-whole-key-and-404': { spec: 'seed', ours: OK, smv: NOT, opc: NOT },
  'pact-js-v3-eachlike-not-array': { spec: 'seed', ...agreed(NOT, ['type', 'eachLike', 'type']) },
  'pact-js-v3-server-error': { spec: 'seed', ...agreed(NOT, ['status']) },
  'pact-js-v3-service-account': { spec: 'seed', ...agreed(OK) },
  'pact-js-v3-undeclared-field': { spec: 'seed', ...agreed(OK) },
  'pact-js-v4-current-fields-on-seed': { spec: 'seed', ours: OK, smv: NOT, opc: NOT },
  'pact-js-v4-current-never-used': { spec: 'current', ...agreed(OK) },
  'pact-js-v4-status-class': { spec: 'seed', ...agreed(OK) },
  'pact-js-v4-subset': { spec: 'seed', ...agreed(OK) },
  'pact-jvm-v2-server-path-prefix': { spec: 'seed', ...agreed(NOT, ['path']) },
  'pact-jvm-v2-user-key': { spec: 'seed', ...agreed(OK) },
  'pact-jvm-v3-content-type-xml': { spec: 'seed', ...agreed(NOT, ['regex']) },
  'pact-jvm-v3-current-user': { spec: 'current', ...agreed(OK) },
  'pact-jvm-v3-no-authorization': { spec: 'seed', ...agreed(NOT, ['security']) },
  'pact-jvm-v3-or-combine': { spec: 'seed', ...agreed(OK) },
  'pact-jvm-v3-type-on-other-type': { spec: 'seed', ...agreed(NOT, ['type', 'type']) },
  'pact-jvm-v3-wrong-path': { spec: 'seed', ...agreed(NOT, ['path']) },
  'pact-jvm-v4-closed-undeclared': { spec: 'closed', ...agreed(NOT, ['additionalProperties']) },
  'pact-jvm-v4-timestamp-on-integer': { spec: 'seed', ...agreed(NOT, ['type', 'timestamp']) },
  'pact-jvm-v4-with-401': { spec: 'seed', ours: OK, smv: NOT, opc: NOT },
};

const pathOf = (name: string) => join(CORPUS_DIR, `${name}.json`);
const pactOf = (name: string) => JSON.parse(readFileSync(pathOf(name), 'utf8')) as Record<string, unknown>;
const names = Object.keys(CORPUS);

describe('the corpus of foreign pacts (test/fixtures/pacts/)', () => {
  it('holds at least 30 pacts, each listed here: by pact-js, pact-jvm and pact-go, V2, V3 and V4, compatible and not', () => {
    const files = readdirSync(CORPUS_DIR).map((file) => file.replace(/\.json$/, ''));
    expect(files).to.have.members(names);
    expect(files.length).to.be.at.least(30);
    const tools = new Set(names.map((name) => /^pact-(js|jvm|go)/.exec(name)?.[0]));
    expect([...tools]).to.have.members(['pact-js', 'pact-jvm', 'pact-go']);
    // The version each file states, as its writer spells the key, is the one its name says.
    for (const name of names) {
      const stated = specificationOf(pactOf(name));
      expect(stated?.[0], name).to.equal(/-v([234])-/.exec(name.replace(/^pact-go-v[12]-/, 'x-'))?.[1]);
    }
    const verdicts = Object.values(CORPUS).map((c) => c.ours);
    expect(verdicts.filter((v) => v === OK).length).to.be.at.least(10);
    expect(verdicts.filter((v) => v === NOT).length).to.be.at.least(10);
  });

  describe('pact-check', () => {
    for (const [name, { spec, ours, errors = [] }] of Object.entries(CORPUS)) {
      it(`${name}: ${ours}${errors.length > 0 ? ` (${errors.join(', ')})` : ''}`, () => {
        const result = checkPact(pathOf(name), { spec: DOCUMENTS[spec] });
        expect(result.ok ? OK : NOT).to.equal(ours);
        const found = result.findings.filter((f) => f.severity === 'error');
        expect(found.map((f) => f.keyword)).to.have.members(errors);
        // Every finding points into the pact: at something the file has.
        for (const finding of result.findings) expect(finding.pointer).to.match(/^\/interactions\/\d+\//);
      });
    }
  });

  describe("PactFlow's engines on the same pacts, and the README on where they differ from ours", function () {
    this.timeout(120_000);
    const smv = new Map<string, Verdict>();
    const opc = new Map<string, Verdict>();

    // swagger-mock-validator reads a file and parses the document on every call (about 150 ms each):
    // the pacts of one Pact version judged against one document go to it as one pact, their
    // interactions in turn, and each of its findings is traced back to its pact by interaction index.
    before(async () => {
      const dir = mkdtempSync(join(tmpdir(), 'corpus-'));
      try {
        const groups = new Map<string, string[]>();
        for (const name of names) {
          const key = `${CORPUS[name]?.spec} ${specificationOf(pactOf(name))}`;
          groups.set(key, [...(groups.get(key) ?? []), name]);
        }
        for (const [key, members] of groups) {
          const pacts = members.map(pactOf);
          const owners = pacts.flatMap((pact, i) =>
            (pact.interactions as unknown[]).map(() => members[i] as string),
          );
          const merged = {
            ...pacts[0],
            interactions: pacts.flatMap((pact) => pact.interactions as unknown[]),
          };
          const file = join(dir, `${key.replace(/\W/g, '-')}.json`);
          writeFileSync(file, JSON.stringify(merged));
          const spec = DOCUMENTS[CORPUS[members[0] as string]?.spec ?? 'seed'];
          const outcome = await SwaggerMockValidatorFactory.create().validate({
            mockPathOrUrl: file,
            specPathOrUrl: spec,
          });
          for (const name of members) smv.set(name, OK);
          for (const error of outcome.errors) {
            const index = Number(/interactions\[(\d+)\]/.exec(error.mockDetails?.location ?? '')?.[1]);
            smv.set(owners[index] as string, NOT);
          }
        }
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
      // The comparator takes the parsed document (see schemas/README.md's sources), one per document.
      const comparators = new Map<string, Comparator>();
      for (const name of names) {
        const spec = CORPUS[name]?.spec ?? 'seed';
        let comparator = comparators.get(spec);
        if (!comparator) {
          comparator = new Comparator(structuredClone(loadDocument(DOCUMENTS[spec]).document));
          comparators.set(spec, comparator);
        }
        let verdict: Verdict = OK;
        for await (const result of comparator.compare(pactOf(name))) {
          if (result.type === 'error') verdict = NOT;
        }
        opc.set(name, verdict);
      }
    });

    it('swagger-mock-validator gives each pact the verdict stated for it', () => {
      expect(Object.fromEntries(smv)).to.deep.equal(
        Object.fromEntries(names.map((n) => [n, CORPUS[n]?.smv])),
      );
    });

    it('openapi-pact-comparator gives each pact the verdict stated for it', () => {
      expect(Object.fromEntries(opc)).to.deep.equal(
        Object.fromEntries(names.map((n) => [n, CORPUS[n]?.opc])),
      );
    });

    it('agree with pact-check on most pacts; the README names every pact where either does not, and why', () => {
      const differing = names.filter(
        (n) => CORPUS[n]?.smv !== CORPUS[n]?.ours || CORPUS[n]?.opc !== CORPUS[n]?.ours,
      );
      expect(differing.length).to.be.below(names.length / 4);
      const readme = readText(repoPath('README.md'));
      for (const name of differing) expect(readme, `README on ${name}`).to.include(`\`${name}\``);
    });
  });
});
