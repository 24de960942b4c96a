import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MatchersV3, PactV4, SpecificationVersion } from '@pact-foundation/pact';
import { expect } from 'chai';
import {
  ProjectApiKeyClient,
  ProjectApiKeyNotFoundError,
  UnauthorizedError,
} from '../../src/client/client.ts';
import { bodyMatcher } from '../../src/contract/matchers.ts';
import { CONTRACTS, normalisePact, PROVIDER } from '../../src/contract/pact-file.ts';
import {
  DOCUMENT_VERSION_NAMES,
  DOCUMENT_VERSIONS,
  type DocumentVersion,
} from '../../src/openapi/default-path.ts';
import { loadDocument, type OpenApiDocument } from '../../src/openapi/document.ts';
import { listOperationOf } from '../../src/openapi/list-operation.ts';
import { sampleOfComponent } from '../../src/openapi/sample.ts';
import { validatorsFor } from '../../src/openapi/validators.ts';
import {
  EXAMPLE_ADMIN_KEY,
  EXAMPLE_PARAMS,
  PROVIDER_STATES,
  type StateKey,
} from '../../src/pact/provider-states.ts';
import { drop, type Edit, edited } from '../helpers.ts';

process.env.PACT_DO_NOT_TRACK = 'true';

// The consumer contracts for "Retrieve project API key": what project-api-key-client needs from the API, one
// pact per shipped version of the document (the seed's, and today's for project-api-key-client-current).
// Bodies are the document's own sample with realistic values set, then matched by rules read from the
// document, so each pact follows its schema. Written to a fresh temp dir and compared with the committed file.

const INVALID_ADMIN_KEY = 'sk-admin-INVALID-EXAMPLE';
const { regex, like, fromProviderState } = MatchersV3;

/** What a request for each state is called in the pact: a sentence a provider team can read. */
const DESCRIPTIONS: Record<StateKey, string> = {
  userKey: 'a request for a project API key owned by a user',
  serviceAccountKey: 'a request for a project API key owned by a service account',
  unknownKey: 'a request for a project API key that does not exist',
  invalidAdminKey: 'a request for a project API key with an admin key that is not valid',
  projectKeys: "a request for the first page of a project's API keys",
};

/** The real format: first 8 characters and the last 4 kept, the middle masked at the key's length. */
const redacted = (first8: string, last4: string) => `${first8}${'*'.repeat(40)}${last4}`;

/**
 * Realistic values for each key. A version of the document gets those of its properties it declares
 * (`added_at` in the seed, `created_at`, `last_used_at` and `owner_project_access` today); the sample
 * decides which exist, so no fact adds a property the document does not have.
 */
const FACTS: Record<'userKey' | 'serviceAccountKey', Edit[]> = {
  userKey: [
    ['/id', EXAMPLE_PARAMS.userKey.keyId],
    ['/name', 'Deploy pipeline'],
    ['/redacted_value', redacted('sk-proj-', 'x4Qa')],
    ['/created_at', 1711471533],
    ['/last_used_at', 1711557933],
    ['/owner_project_access', 'active'],
    ['/owner/type', 'user'],
    ['/owner/service_account', drop],
    ['/owner/user/id', 'user-4bq7DvT3kP9xZr2L'],
    ['/owner/user/name', 'Ada Lovelace'],
    ['/owner/user/email', 'ada@example.com'],
    ['/owner/user/role', 'owner'],
    ['/owner/user/added_at', 1711400000],
    ['/owner/user/created_at', 1711400000],
  ],
  serviceAccountKey: [
    ['/id', EXAMPLE_PARAMS.serviceAccountKey.keyId],
    ['/name', 'Nightly export'],
    // Service account keys start `sk-svcacct-`; the first 8 of those are kept.
    ['/redacted_value', redacted('sk-svcac', 'Zt7Q')],
    ['/created_at', 1711471600],
    ['/last_used_at', 1711558000],
    ['/owner_project_access', 'active'],
    ['/owner/type', 'service_account'],
    ['/owner/user', drop],
    ['/owner/service_account/id', 'svc_acct_abc'],
    ['/owner/service_account/name', 'nightly-export'],
    ['/owner/service_account/role', 'member'],
    ['/owner/service_account/created_at', 1711471500],
  ],
};

/** Whether the sample has the property at `pointer` (its parent object holds the key). */
const declares = (sample: unknown, pointer: string): boolean => {
  const tokens = pointer.split('/').slice(1);
  let node = sample as Record<string, unknown> | undefined;
  for (const token of tokens.slice(0, -1)) node = node?.[token] as Record<string, unknown> | undefined;
  return node !== undefined && (tokens.at(-1) as string) in node;
};

const documents = Object.fromEntries(
  DOCUMENT_VERSION_NAMES.map((version) => [version, loadDocument(DOCUMENT_VERSIONS[version]).document]),
) as Record<DocumentVersion, OpenApiDocument>;

/** The facts each version declares, applied to its sample. */
const bodiesOf = (document: OpenApiDocument) => {
  const sample = sampleOfComponent('ProjectApiKey', document);
  const body = (facts: Edit[]) => edited(sample, ...facts.filter(([pointer]) => declares(sample, pointer)));
  return { userKey: body(FACTS.userKey), serviceAccountKey: body(FACTS.serviceAccountKey) };
};

/** OpenAI's error body, each field matched by type. */
const errorBody = (error: { message: string; type: string; code?: string }) => ({
  error: Object.fromEntries(Object.entries(error).map(([key, value]) => [key, like(value)])),
});
const ERRORS = {
  unknownKey: {
    message: `No such API key: ${EXAMPLE_PARAMS.unknownKey.keyId}`,
    type: 'invalid_request_error',
  },
  invalidAdminKey: {
    message: 'Incorrect API key provided: sk-admin-*****************MPLE.',
    type: 'invalid_request_error',
    code: 'invalid_api_key',
  },
};

const JSON_CONTENT_TYPE = regex('^application/json(;.*)?$', 'application/json');

const thrownBy = async (call: Promise<unknown>): Promise<Error> => {
  try {
    await call;
  } catch (error) {
    return error as Error;
  }
  return expect.fail('the call resolved; an error was expected');
};

describe('consumer contract facts', () => {
  it('each fact is a property of at least one version of the document: none is silently dropped', () => {
    for (const [key, facts] of Object.entries(FACTS)) {
      for (const [pointer] of facts) {
        const declaredBy = DOCUMENT_VERSION_NAMES.filter((version) =>
          declares(sampleOfComponent('ProjectApiKey', documents[version]), pointer),
        );
        expect(declaredBy, `${key} ${pointer}`).to.not.have.length(0);
      }
    }
  });
});

for (const version of DOCUMENT_VERSION_NAMES) {
  const contract = CONTRACTS[version];
  const document = documents[version];
  const BODIES = bodiesOf(document);
  const validators = validatorsFor(document);

  describe(`consumer contract (${version} document): ${contract.consumer} → ${PROVIDER}`, () => {
    const pactDir = mkdtempSync(join(tmpdir(), 'consumer-pact-'));
    const regeneratedPath = join(pactDir, contract.fileName);

    // One pact for the file: pact-js resets it after each executeTest and merges each test into the file.
    const pact = new PactV4({
      consumer: contract.consumer,
      provider: PROVIDER,
      dir: pactDir,
      spec: SpecificationVersion.SPECIFICATION_VERSION_V4,
      logLevel: 'warn',
    });

    /** One interaction: the state with its params, the state-injected path, the bearer header. */
    const interaction = (key: StateKey, adminKeyExample = EXAMPLE_ADMIN_KEY) => {
      const { projectId, keyId } = EXAMPLE_PARAMS[key];
      const examplePath = `/organization/projects/${projectId}/api_keys/${keyId}`;
      return pact
        .addInteraction()
        .given(PROVIDER_STATES[key], { projectId, keyId })
        .uponReceiving(DESCRIPTIONS[key])
        .withRequest(
          'GET',
          fromProviderState('/organization/projects/${projectId}/api_keys/${keyId}', examplePath),
          (request) =>
            request.headers({
              Authorization: regex('^Bearer \\S+$', `Bearer ${adminKeyExample}`),
              Accept: regex('^application/json', 'application/json'),
            }),
        );
    };

    // The client holds bodies to this version of the document.
    const clientFor = (url: string, adminKey = EXAMPLE_ADMIN_KEY) =>
      // Generous: under a loaded machine the mock server answers late, and a timeout reads as "not received".
      new ProjectApiKeyClient({ baseUrl: url, adminKey, timeoutMs: 15_000, document });

    before(() => rmSync(regeneratedPath, { force: true }));

    describe('interactions', function () {
      // pact-core's mock server books a match only after it has answered (pact-foundation/
      // pact-core-mock-server#13, pact-reference#535): under CPU load executeTest can read the books first
      // and report a request it answered as "expected but not received". Such a run is tried again; an
      // interaction that really fails fails every time, and a failed try writes nothing to the pact.
      this.retries(2);
      for (const key of ['userKey', 'serviceAccountKey'] as const) {
        it(`${PROVIDER_STATES[key]}: the client returns the key, valid against the document`, async () => {
          const body = BODIES[key];
          await interaction(key)
            .willRespondWith(200, (response) =>
              response
                .headers({ 'Content-Type': JSON_CONTENT_TYPE })
                .jsonBody(bodyMatcher(document, 'ProjectApiKey', body)),
            )
            .executeTest(async (server) => {
              const { projectId, keyId } = EXAMPLE_PARAMS[key];
              const received = await clientFor(server.url).retrieveProjectApiKey(projectId, keyId);
              expect(received).to.deep.equal(body);
              expect(validators.validate('ProjectApiKey', received, { strict: true }).findings).to.deep.equal(
                [],
              );
              expect(received.owner.type).to.equal(key === 'userKey' ? 'user' : 'service_account');
            });
        });
      }

      it(`${PROVIDER_STATES.unknownKey}: the client throws not found with the error body`, async () => {
        await interaction('unknownKey')
          .willRespondWith(404, (response) =>
            response.headers({ 'Content-Type': JSON_CONTENT_TYPE }).jsonBody(errorBody(ERRORS.unknownKey)),
          )
          .executeTest(async (server) => {
            const { projectId, keyId } = EXAMPLE_PARAMS.unknownKey;
            const error = await thrownBy(clientFor(server.url).retrieveProjectApiKey(projectId, keyId));
            expect(error).to.be.instanceOf(ProjectApiKeyNotFoundError);
            expect((error as ProjectApiKeyNotFoundError).errorBody).to.deep.equal({
              error: ERRORS.unknownKey,
            });
          });
      });

      // Only a document with the list operation (today's) has a list interaction; the seed's pact stays as it was.
      const list = listOperationOf(document);
      if (list) {
        it(`${PROVIDER_STATES.projectKeys}: the client lists the first page, valid against the document`, async () => {
          const { projectId, keyId } = EXAMPLE_PARAMS.projectKeys;
          // What the client uses of a listed key: its id and owner type, for each key of either owner.
          const entry = edited(BODIES.userKey as unknown as Record<string, unknown>, [
            '/owner',
            { type: 'user' },
          ]);
          const page = {
            object: 'list',
            data: [entry],
            first_id: entry.id,
            last_id: entry.id,
            has_more: false,
          };
          await pact
            .addInteraction()
            .given(PROVIDER_STATES.projectKeys, { projectId, keyId })
            .uponReceiving(DESCRIPTIONS.projectKeys)
            .withRequest(
              'GET',
              fromProviderState(
                '/organization/projects/${projectId}/api_keys',
                `/organization/projects/${projectId}/api_keys`,
              ),
              (request) =>
                request.headers({
                  Authorization: regex('^Bearer \\S+$', `Bearer ${EXAMPLE_ADMIN_KEY}`),
                  Accept: regex('^application/json', 'application/json'),
                }),
            )
            .willRespondWith(200, (response) =>
              response
                .headers({ 'Content-Type': JSON_CONTENT_TYPE })
                .jsonBody(bodyMatcher(document, list.component, page)),
            )
            .executeTest(async (server) => {
              const received = await clientFor(server.url).listProjectApiKeys(projectId);
              expect(received).to.deep.equal(page);
              expect(validators.validate(list.component, received, { strict: true }).findings).to.deep.equal(
                [],
              );
            });
        });
      }

      it(`${PROVIDER_STATES.invalidAdminKey}: the client throws unauthorised with status 401`, async () => {
        await interaction('invalidAdminKey', INVALID_ADMIN_KEY)
          .willRespondWith(401, (response) =>
            response
              .headers({ 'Content-Type': JSON_CONTENT_TYPE })
              .jsonBody(errorBody(ERRORS.invalidAdminKey)),
          )
          .executeTest(async (server) => {
            const { projectId, keyId } = EXAMPLE_PARAMS.invalidAdminKey;
            const error = await thrownBy(
              clientFor(server.url, INVALID_ADMIN_KEY).retrieveProjectApiKey(projectId, keyId),
            );
            expect(error).to.be.instanceOf(UnauthorizedError);
            expect((error as UnauthorizedError).status).to.equal(401);
            expect((error as UnauthorizedError).errorBody).to.deep.equal({ error: ERRORS.invalidAdminKey });
          });
      });
    });

    // Runs after the interactions (mocha runs sibling suites in order): compares what they wrote.
    describe('the pact file', () => {
      after(() => rmSync(pactDir, { recursive: true, force: true }));

      it(`regenerates contracts/${contract.fileName} byte for byte`, () => {
        const regenerated = normalisePact(readFileSync(regeneratedPath, 'utf8'));
        if (process.env.UPDATE_CONTRACTS === '1') writeFileSync(contract.path, regenerated);
        const committed = existsSync(contract.path) ? readFileSync(contract.path, 'utf8') : '';
        if (regenerated !== committed) {
          const [left, right] = [regenerated.split('\n'), committed.split('\n')];
          const line = left.findIndex((text, index) => text !== right[index]);
          expect.fail(
            `contract changed: run \`npm run contracts:update\` and commit (first difference at line ${line + 1}: ` +
              `regenerated ${JSON.stringify(left[line])}, committed ${JSON.stringify(right[line] ?? '<end>')})`,
          );
        }
      });
    });
  });
}
