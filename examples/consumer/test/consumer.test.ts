import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PactV4, SpecificationVersion } from '@pact-foundation/pact';
import * as chai from 'chai';
import {
  type CurrentProjectApiKey,
  checkPact,
  documents,
  matchersFor,
  type ProjectApiKey,
  startReferenceProvider,
  validate,
} from 'project-api-key-contract';
import { chaiPlugin } from 'project-api-key-contract/chai';
import { KeyClient, KeyNotFoundError } from '../src/consumer.js';

chai.use(chaiPlugin);
const { expect } = chai;

// A key as this dashboard expects one: the values are ours, the shape the document's (the type says so
// at compile time, matchersFor at run time).
const example: ProjectApiKey = {
  object: 'organization.project.api_key',
  redacted_value: 'sk-proj-********************************************abcd',
  name: 'CI key',
  created_at: 1711471533,
  id: 'key_abc',
  owner: {
    type: 'user',
    user: {
      object: 'organization.project.user',
      id: 'user_abc',
      name: 'Ada Lovelace',
      email: 'ada@example.com',
      role: 'owner',
      added_at: 1711471533,
    },
  },
};

describe('the dashboard against the reference provider, as a stub', () => {
  it('reads a key, which is a ProjectApiKey', async () => {
    const stub = await startReferenceProvider();
    try {
      const client = new KeyClient(stub.url, stub.adminKey);
      const key = await client.key(stub.ids.projectId, stub.ids.userKeyId);
      expect(key).to.be.aProjectApiKey();
      expect(key).to.satisfySchema('ProjectApiKey');
      expect(validate('ProjectApiKey', key).valid).to.equal(true);
      expect(await client.ownerOf(stub.ids.projectId, stub.ids.serviceAccountKeyId)).to.match(
        /^service account /,
      );
      const missing = await client.key(stub.ids.projectId, 'key_missing').catch((error: unknown) => error);
      expect(missing).to.be.instanceOf(KeyNotFoundError);
    } finally {
      await stub.close();
    }
  });

  it('fails the assertion on a body the document does not allow, naming where', () => {
    const broken = { ...example, owner: { type: 'robot' } };
    expect(() => expect(broken).to.be.aProjectApiKey()).to.throw(
      /\/owner\/type: must be one of "user", "service_account"; got "robot"/,
    );
  });

  it("holds today's shape to today's document, typed under its own name", () => {
    const today: CurrentProjectApiKey = {
      object: 'organization.project.api_key',
      redacted_value: 'sk-proj-****abcd',
      name: 'CI key',
      created_at: 1711471533,
      last_used_at: null,
      id: 'key_abc',
      owner_project_access: 'active',
      owner: {
        type: 'user',
        user: {
          id: 'user-abc',
          email: 'ada@example.com',
          name: 'Ada',
          created_at: 1711471533,
          role: 'owner',
        },
      },
    };
    expect(today).to.satisfySchema('ProjectApiKey', { spec: documents.current });
    expect(validate('ProjectApiKey', today).valid).to.equal(false);
  });

  it('refuses bad input with a TypeError', () => {
    expect(() => validate('ProjectKey', example)).to.throw(TypeError, /unknown schema "ProjectKey"/);
    // @ts-expect-error: the example must be a ProjectApiKey; the types are generated from the document.
    expect(() => matchersFor('ProjectApiKey', { id: 1 })).to.throw(TypeError, /not a valid ProjectApiKey/);
  });
});

describe('the dashboard and the provider, as a pact', function () {
  // pact-core's mock server books a match only after it has answered (pact-foundation/pact-reference#535):
  // under CPU load the test can read the books first and report a request it answered as "expected but
  // not received". Such a run is tried again; an interaction that really fails fails every time.
  this.retries(2);
  const dir = mkdtempSync(join(tmpdir(), 'key-dashboard-pacts-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('states what it needs with matchers read from the schema, and the pact is compatible with the document', async () => {
    const pact = new PactV4({
      consumer: 'key-dashboard',
      provider: 'openai-admin-api',
      dir,
      spec: SpecificationVersion.SPECIFICATION_VERSION_V4,
      logLevel: 'warn',
    });
    await pact
      .addInteraction()
      .given('a project API key owned by a user exists')
      .uponReceiving('a request for a project API key')
      .withRequest('GET', '/organization/projects/proj_abc/api_keys/key_abc', (request) =>
        request.headers({ Authorization: 'Bearer sk-admin-EXAMPLE', Accept: 'application/json' }),
      )
      .willRespondWith(200, (response) => response.jsonBody(matchersFor('ProjectApiKey', example)))
      .executeTest(async (mock) => {
        const owner = await new KeyClient(mock.url, 'sk-admin-EXAMPLE').ownerOf('proj_abc', 'key_abc');
        expect(owner).to.equal('Ada Lovelace <ada@example.com>');
      });
    const result = checkPact(join(dir, 'key-dashboard-openai-admin-api.json'));
    expect(result.findings).to.deep.equal([]);
    expect(result.ok).to.equal(true);
  });
});
