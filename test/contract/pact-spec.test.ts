import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SwaggerMockValidatorFactory, type ValidationOutcome } from '@pactflow/swagger-mock-validator';
import { expect } from 'chai';
import { CONTRACT_PATH, CONTRACTS } from '../../src/contract/pact-file.ts';
import { checkPactAgainstSpec } from '../../src/contract/pact-spec.ts';
import type { Finding } from '../../src/core/finding.ts';
import { ERROR_RESPONSE_STATUSES } from '../../src/core/openai-error.ts';
import { fromPactPath } from '../../src/core/pointer.ts';
import { DEFAULT_SPEC_PATH } from '../../src/openapi/default-path.ts';
import { loadDocument } from '../../src/openapi/document.ts';
import { validatorsFor } from '../../src/openapi/validators.ts';
import { PROVIDER_STATES, type StateKey } from '../../src/pact/provider-states.ts';
import { drop, type Edit, edited, NEWER_SPEC_PATH, seed } from '../helpers.ts';

const pact = JSON.parse(readFileSync(CONTRACT_PATH, 'utf8'));
const validators = validatorsFor(seed.document);
const check = (given: unknown) => checkPactAgainstSpec(given, seed.document, validators);

/** The index of the interaction for a state in the committed pact: tests do not depend on its order. */
const indexOf = (key: StateKey): number =>
  pact.interactions.findIndex(
    (interaction: { providerStates?: { name: string }[] }) =>
      interaction.providerStates?.[0]?.name === PROVIDER_STATES[key],
  );
const [userKey, unknownKey, invalidAdminKey] = [
  indexOf('userKey'),
  indexOf('unknownKey'),
  indexOf('invalidAdminKey'),
];
const at = (index: number, pointer: string) => `/interactions/${index}${pointer}`;
const summary = (findings: Finding[]) => findings.map((f) => [f.severity, f.pointer, f.keyword]);

describe('checkPactAgainstSpec', () => {
  it('finds the interactions it needs in the committed pact', () => {
    expect([userKey, unknownKey, invalidAdminKey]).to.not.include(-1);
  });

  it('accepts the committed pact, warning only about the undocumented 404 and 401 by name', () => {
    const findings = check(pact);
    expect(summary(findings)).to.have.deep.members([
      ['warning', at(unknownKey, '/response/status'), 'status'],
      ['warning', at(invalidAdminKey, '/response/status'), 'status'],
    ]);
    expect(findings.find((f) => f.pointer === at(unknownKey, '/response/status'))?.message).to.match(
      /status 404 is not documented for GET \/organization\/projects\/\{project_id\}\/api_keys\/\{key_id\}/,
    );
    expect(findings.find((f) => f.pointer === at(invalidAdminKey, '/response/status'))?.message).to.match(
      /status 401 is not documented/,
    );
  });

  describe('a pact edited to break a rule', () => {
    const content = '/response/body/content';
    // The two warnings the committed pact has, left in place.
    const standing: [string, string, string][] = [
      ['warning', at(unknownKey, '/response/status'), 'status'],
      ['warning', at(invalidAdminKey, '/response/status'), 'status'],
    ];
    const cases: { description: string; edits: Edit[]; want: [string, string, string][] }[] = [
      {
        description: 'a path the document does not have',
        edits: [[at(userKey, '/request/path'), '/organization/projects/proj_abc/keys/key_user_abc']],
        want: [['error', at(userKey, '/request/path'), 'path'], ...standing],
      },
      {
        description: 'a path with an extra segment',
        edits: [[at(userKey, '/request/path'), '/organization/projects/proj_abc/api_keys/key_user_abc/x']],
        want: [['error', at(userKey, '/request/path'), 'path'], ...standing],
      },
      {
        description: 'a path parameter left empty',
        edits: [[at(userKey, '/request/path'), '/organization/projects//api_keys/key_user_abc']],
        want: [['error', at(userKey, '/request/path'), 'path'], ...standing],
      },
      {
        description: 'a method the path does not declare',
        edits: [[at(userKey, '/request/method'), 'DELETE']],
        want: [['error', at(userKey, '/request/method'), 'method'], ...standing],
      },
      {
        description: 'an undocumented 500',
        edits: [[at(userKey, '/response/status'), 500]],
        want: [['error', at(userKey, '/response/status'), 'status'], ...standing],
      },
      {
        description: 'an undocumented 500 even with an OpenAI error body',
        edits: [[at(unknownKey, '/response/status'), 500]],
        want: [
          ['error', at(unknownKey, '/response/status'), 'status'],
          ['warning', at(invalidAdminKey, '/response/status'), 'status'],
        ],
      },
      {
        description: 'an undocumented 404 whose body is not an OpenAI error body',
        edits: [[at(unknownKey, content), { message: 'not found' }]],
        want: [
          ['error', at(unknownKey, '/response/status'), 'status'],
          ['warning', at(invalidAdminKey, '/response/status'), 'status'],
        ],
      },
      {
        description: 'a 200 body missing a required property of the nested owner',
        edits: [[at(userKey, `${content}/owner/user/added_at`), drop]],
        want: [['error', at(userKey, `${content}/owner/user/added_at`), 'required'], ...standing],
      },
      {
        description: 'a 200 body with an owner type outside the enum',
        edits: [[at(userKey, `${content}/owner/type`), 'robot']],
        want: [['error', at(userKey, `${content}/owner/type`), 'enum'], ...standing],
      },
      {
        description: 'a 200 body with a property the schema does not declare: a warning',
        edits: [[at(userKey, `${content}/last_used_at`), 1711471533]],
        want: [['warning', at(userKey, `${content}/last_used_at`), 'additionalProperties'], ...standing],
      },
      {
        description: 'a 200 without a body',
        edits: [[at(userKey, '/response/body'), drop]],
        want: [['error', at(userKey, '/response'), 'body'], ...standing],
      },
    ];
    for (const { description, edits, want } of cases) {
      it(description, () => {
        expect(summary(check(edited(pact, ...edits)))).to.have.deep.members(want);
      });
    }
  });

  it('reads V3 bodies, which are not wrapped in content', () => {
    const v3 = edited(
      pact,
      ['/metadata/pactSpecification/version', '3.0.0'],
      [at(userKey, '/response/body'), edited(pact.interactions[userKey].response.body.content, ['/name', 7])],
    );
    expect(summary(check(v3))).to.deep.include(['error', at(userKey, '/response/body/name'), 'type']);
  });

  it('refuses something that is not a pact', () => {
    expect(summary(check({ consumer: {} }))).to.deep.equal([['error', '/interactions', 'pact']]);
  });
});

/**
 * swagger-mock-validator's results as findings, `[root].interactions[2].response.status` as a pointer.
 * It calls every undocumented status an error; the statuses OpenAI answers with an error body are
 * graded warnings here, as checkPactAgainstSpec grades them.
 */
const smvFindings = (outcome: ValidationOutcome): Finding[] =>
  [...outcome.errors, ...outcome.warnings].map((result) => ({
    pointer: fromPactPath((result.mockDetails?.location ?? '').replace(/^\[root\]/, '$')),
    severity:
      result.code === 'response.status.unknown' &&
      ERROR_RESPONSE_STATUSES.includes(Number(result.mockDetails?.value))
        ? 'warning'
        : result.type,
    keyword: result.code,
    message: result.message,
  }));

describe('swagger-mock-validator (PactFlow) on the committed pact, as an independent cross-check', () => {
  let outcome: ValidationOutcome;
  before(async () => {
    outcome = await SwaggerMockValidatorFactory.create().validate({
      mockPathOrUrl: CONTRACT_PATH,
      specPathOrUrl: DEFAULT_SPEC_PATH,
    });
  });

  it('reports only the undocumented 404 and 401, naming them, as warnings', () => {
    const findings = smvFindings(outcome);
    expect(outcome.errors.length + outcome.warnings.length).to.equal(2);
    expect(summary(findings)).to.have.deep.members([
      ['warning', at(unknownKey, '/response/status'), 'response.status.unknown'],
      ['warning', at(invalidAdminKey, '/response/status'), 'response.status.unknown'],
    ]);
    expect(findings.map((f) => f.message)).to.have.members([
      'Response status code not defined in spec file: 404',
      'Response status code not defined in spec file: 401',
    ]);
  });

  it('agrees with checkPactAgainstSpec, which grades those two as warnings', () => {
    const ours = check(pact).map((f) => [f.pointer, f.severity]);
    const theirs = smvFindings(outcome).map((f) => [f.pointer, f.severity]);
    expect(ours).to.have.deep.members(theirs);
  });

  it('fails a pact whose 200 body breaks the schema (so its silence above means something)', async () => {
    const broken = edited(pact, [at(userKey, '/response/body/content/owner/type'), 'robot']);
    const dir = mkdtempSync(join(tmpdir(), 'smv-'));
    const path = join(dir, 'broken.json');
    writeFileSync(path, JSON.stringify(broken));
    const result = await SwaggerMockValidatorFactory.create()
      .validate({ mockPathOrUrl: path, specPathOrUrl: DEFAULT_SPEC_PATH })
      .finally(() => rmSync(dir, { recursive: true, force: true }));
    expect(result.errors.map((e) => e.code)).to.include('response.body.incompatible');
  });
});

describe("checkPactAgainstSpec on the current pact (today's document)", () => {
  const current = JSON.parse(readFileSync(CONTRACTS.current.path, 'utf8'));
  const newer = loadDocument(NEWER_SPEC_PATH).document;
  const errorsOf = (findings: Finding[]) => findings.filter((f) => f.severity === 'error');

  it('is documented by today’s document: only the undocumented 404 and 401 warn', () => {
    const findings = checkPactAgainstSpec(current, newer, validatorsFor(newer));
    expect(findings.map((f) => [f.severity, f.keyword])).to.deep.equal([
      ['warning', 'status'],
      ['warning', 'status'],
    ]);
  });

  it('is not the seed’s: its 200 bodies lack the owners’ object and added_at, and its list has no path there', () => {
    const pointers = errorsOf(check(current)).map((f) => f.pointer.replace(/^\/interactions\/\d+/, ''));
    expect(pointers).to.have.members([
      '/response/body/content/owner/service_account/object',
      '/response/body/content/owner/user/object',
      '/response/body/content/owner/user/added_at',
      '/request/path',
    ]);
  });
});
