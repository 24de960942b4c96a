import { expect } from 'chai';
import { loadDocument } from '../../src/openapi/document.ts';
import { sampleOfComponent } from '../../src/openapi/sample.ts';
import { validatorsFor } from '../../src/openapi/validators.ts';
import { EXAMPLE_PARAMS } from '../../src/pact/provider-states.ts';
import {
  createReferenceProvider,
  type RunningReferenceProvider,
  startReferenceProvider,
} from '../../src/provider/index.ts';
import { PROJECT_KEY_LENGTH } from '../../src/provider/redaction.ts';
import { NEWER_SPEC_PATH, seed } from '../helpers.ts';
import {
  ADMIN_KEY,
  AUTHORIZED,
  bearer,
  get,
  getJson,
  keyUrl,
  serviceAccountKeyOf,
  userKeyOf,
} from './client.ts';

const validators = validatorsFor(seed.document);
const sample = sampleOfComponent('ProjectApiKey', seed.document) as Record<string, unknown>;
const WHOLE_KEY = /sk-(admin|proj|svcacct)-[A-Za-z0-9_-]{32,}/;

describe('reference provider', () => {
  let provider: RunningReferenceProvider;
  before(async () => {
    provider = await startReferenceProvider({ adminKey: ADMIN_KEY });
  });
  after(() => provider.close());

  describe('auth', () => {
    // Built at run time: a whole-looking key must never be committed.
    const wrongKey = `sk-admin-${'W'.repeat(40)}`;
    const cases: { description: string; headers: Record<string, string>; status: number }[] = [
      { description: 'no Authorization header', headers: {}, status: 401 },
      { description: 'a wrong admin key', headers: bearer(wrongKey), status: 401 },
      {
        description: 'the admin key, not as Bearer',
        headers: { authorization: `Basic ${ADMIN_KEY}` },
        status: 401,
      },
      { description: 'an empty bearer', headers: { authorization: 'Bearer ' }, status: 401 },
      { description: 'the admin key', headers: AUTHORIZED, status: 200 },
      {
        description: 'the admin key, lower-case scheme',
        headers: { authorization: `bearer ${ADMIN_KEY}` },
        status: 200,
      },
    ];
    for (const { description, headers, status } of cases) {
      it(`answers ${status} to ${description}`, async () => {
        const response = await getJson(keyUrl(provider.url, userKeyOf(provider)), headers);
        expect(response.status).to.equal(status);
        if (status === 401) {
          expect(response.body).to.deep.equal({
            error: {
              message: (response.body.error as { message: string }).message,
              type: 'invalid_request_error',
              param: null,
              code: 'invalid_api_key',
            },
          });
          expect(response.text).not.to.include(wrongKey);
          expect(response.text).not.to.include(ADMIN_KEY);
        }
      });
    }
  });

  describe('not found and wrong method', () => {
    const cases: {
      description: string;
      path: () => string;
      method?: string;
      status: number;
      message: RegExp;
    }[] = [
      {
        description: 'an unknown key in a known project',
        path: () => keyUrl('', { projectId: provider.seed.projectId, keyId: 'key_does_not_exist' }),
        status: 404,
        message: /key_does_not_exist/,
      },
      {
        description: 'an unknown project',
        path: () => keyUrl('', { projectId: 'proj_does_not_exist', keyId: provider.seed.userKeyId }),
        status: 404,
        message: /proj_does_not_exist/,
      },
      {
        description: 'another path',
        path: () => '/organization/projects',
        status: 404,
        message: /Invalid URL/,
      },
      {
        description: 'a trailing slash',
        path: () => `${keyUrl('', userKeyOf(provider))}/`,
        status: 404,
        message: /Invalid URL/,
      },
      {
        description: 'POST on the path',
        path: () => keyUrl('', userKeyOf(provider)),
        method: 'POST',
        status: 405,
        message: /Invalid method/,
      },
      {
        description: 'DELETE on the path',
        path: () => keyUrl('', userKeyOf(provider)),
        method: 'DELETE',
        status: 405,
        message: /Invalid method/,
      },
    ];
    for (const { description, path, method = 'GET', status, message } of cases) {
      it(`answers ${status} with an error body to ${description}`, async () => {
        const response = await fetch(provider.url + path(), { method, headers: AUTHORIZED });
        const body = (await response.json()) as { error: Record<string, unknown> };
        expect(response.status).to.equal(status);
        expect(response.headers.get('content-type')).to.equal('application/json');
        expect(body.error).to.include({ type: 'invalid_request_error', param: null, code: null });
        expect(body.error.message).to.match(message);
        if (status === 405) expect(response.headers.get('allow')).to.equal('GET, HEAD');
      });
    }
  });

  describe('bodies', () => {
    const cases = [
      { ownerType: 'user', ids: userKeyOf },
      { ownerType: 'service_account', ids: serviceAccountKeyOf },
    ] as const;
    for (const { ownerType, ids } of cases) {
      it(`serve a key owned by a ${ownerType}, valid in strict mode`, async () => {
        const params = ids(provider);
        const response = await getJson(keyUrl(provider.url, params));
        expect(response.status).to.equal(200);
        const result = validators.validate('ProjectApiKey', response.body, { strict: true });
        expect(result.findings).to.deep.equal([]);
        const owner = response.body.owner as Record<string, unknown>;
        expect(response.body.id).to.equal(params.keyId);
        expect(response.body.object).to.equal(sample.object);
        expect(owner.type).to.equal(ownerType);
        expect(Object.keys(owner).sort()).to.deep.equal([ownerType, 'type'].sort());
      });
    }

    it('give realistic ids: key_…, user-…', async () => {
      const { body } = await getJson(keyUrl(provider.url, userKeyOf(provider)));
      expect(body.id).to.match(/^key_[A-Za-z0-9]+$/);
      expect(provider.seed.projectId).to.match(/^proj_[A-Za-z0-9]+$/);
      const user = (body.owner as { user: Record<string, unknown> }).user;
      expect(user.id).to.match(/^user-[A-Za-z0-9]+$/);
      expect(user.added_at).to.be.a('number');
    });

    it('redact the key: first 8 and last 4 kept, * between, at full length', async () => {
      for (const params of [userKeyOf(provider), serviceAccountKeyOf(provider)]) {
        const { body } = await getJson(keyUrl(provider.url, params));
        const redacted = body.redacted_value as string;
        expect(redacted).to.match(/^sk-proj-\*+[A-Za-z0-9_-]{4}$/);
        expect(redacted).to.have.length(PROJECT_KEY_LENGTH);
        expect(redacted).not.to.match(WHOLE_KEY);
      }
    });

    it('differ per key in their redacted tail', async () => {
      const [a, b] = await Promise.all(
        [userKeyOf(provider), serviceAccountKeyOf(provider)].map((params) =>
          getJson(keyUrl(provider.url, params)),
        ),
      );
      expect(a?.body.redacted_value).not.to.equal(b?.body.redacted_value);
    });

    it('carry the common headers and application/json', async () => {
      const { headers } = await get(keyUrl(provider.url, userKeyOf(provider)));
      expect(headers.get('content-type')).to.equal('application/json');
      expect(headers.get('x-request-id')).to.match(/^req_[0-9a-f]{32}$/);
      expect(headers.get('openai-processing-ms')).to.match(/^\d+$/);
      expect(headers.get('openai-version')).to.match(/^\d{4}-\d{2}-\d{2}$/);
    });
  });

  describe('state setup', () => {
    const params = { projectId: 'proj_stateTest01', keyId: 'key_stateTest01' };
    const cases = [
      { state: 'userKey', status: 200, ownerType: 'user' },
      { state: 'serviceAccountKey', status: 200, ownerType: 'service_account' },
      { state: 'userKey', status: 200, ownerType: 'user' }, // the same ids, back to a user
      { state: 'unknownKey', status: 404 },
    ] as const;
    for (const { state, status, ...want } of cases) {
      it(`${state} returns its params and the key then answers ${status}`, async () => {
        expect(await provider.stateSetup(state, params)).to.deep.equal(params);
        const response = await getJson(keyUrl(provider.url, params));
        expect(response.status).to.equal(status);
        if ('ownerType' in want) {
          expect((response.body.owner as { type: string }).type).to.equal(want.ownerType);
          expect(validators.validate('ProjectApiKey', response.body, { strict: true }).valid).to.equal(true);
        } else {
          expect((response.body.error as { message: string }).message).to.include(params.keyId);
        }
      });
    }

    it('invalidAdminKey returns its params; the key exists, so only the admin key decides', async () => {
      const ids = EXAMPLE_PARAMS.invalidAdminKey;
      expect(await provider.stateSetup('invalidAdminKey', ids)).to.deep.equal(ids);
      expect((await get(keyUrl(provider.url, ids), bearer('sk-admin-EXAMPLE-not-it'))).status).to.equal(401);
      expect((await get(keyUrl(provider.url, ids))).status).to.equal(200);
    });

    it('reuses a key already seeded with the same owner type', async () => {
      const ids = { projectId: 'proj_reuse01', keyId: 'key_reuse01' };
      provider.store.seedKey({ ...ids, ownerType: 'user', name: 'Kept name' });
      await provider.stateSetup('userKey', ids);
      expect((await getJson(keyUrl(provider.url, ids))).body.name).to.equal('Kept name');
    });
  });

  describe('store', () => {
    it('clear() forgets every key; reset() seeds the reference keys again', async () => {
      const url = keyUrl(provider.url, userKeyOf(provider));
      provider.store.clear();
      expect((await get(url)).status).to.equal(404);
      expect(provider.store.reset()).to.deep.equal(provider.seed);
      expect((await get(url)).status).to.equal(200);
    });
  });
});

describe('reference provider under a path prefix', () => {
  let provider: RunningReferenceProvider;
  before(async () => {
    provider = await startReferenceProvider({ adminKey: ADMIN_KEY, pathPrefix: '/v1/' });
  });
  after(() => provider.close());

  it('has a base URL ending in the prefix and serves the key under it', async () => {
    expect(provider.url).to.match(/^http:\/\/127\.0\.0\.1:\d+\/v1$/);
    expect((await get(keyUrl(provider.url, userKeyOf(provider)))).status).to.equal(200);
  });

  it('answers 404 without the prefix', async () => {
    const origin = new URL(provider.url).origin;
    expect((await get(keyUrl(origin, userKeyOf(provider)))).status).to.equal(404);
  });
});

describe('reference provider options', () => {
  const cases: {
    description: string;
    options: Parameters<typeof createReferenceProvider>[0];
    error: RegExp;
  }[] = [
    { description: 'no admin key', options: { adminKey: '' }, error: /adminKey is required/ },
    {
      description: 'a zero chunk size',
      options: { adminKey: ADMIN_KEY, faultOptions: { hugeBodyChunkBytes: 0 } },
      error: /hugeBodyChunkBytes/,
    },
    {
      description: 'a fractional body size',
      options: { adminKey: ADMIN_KEY, faultOptions: { hugeBodyBytes: 1.5 } },
      error: /hugeBodyBytes/,
    },
    {
      description: 'a redirect fault with nowhere to redirect',
      options: { adminKey: ADMIN_KEY, fault: 'cross-origin-redirect' },
      error: /redirectOrigin/,
    },
    {
      description: 'a shape that is neither seed nor current',
      options: { adminKey: ADMIN_KEY, shape: 'tomorrow' as 'seed' },
      error: /shape must be seed or current/,
    },
    {
      description: 'a prefix that is not a path',
      options: { adminKey: ADMIN_KEY, pathPrefix: '/v1 x' },
      error: /prefix/,
    },
  ];
  for (const { description, options, error } of cases) {
    it(`refuse ${description}`, () => {
      expect(() => createReferenceProvider(options)).to.throw(error);
    });
  }

  describe('the shape it serves', () => {
    const current = validatorsFor(loadDocument(NEWER_SPEC_PATH).document);
    const cases: {
      description: string;
      options: Partial<Parameters<typeof startReferenceProvider>[0]>;
      conformsTo: 'seed' | 'current';
    }[] = [
      { description: 'by default, the seed document', options: {}, conformsTo: 'seed' },
      { description: "shape seed: the seed document's", options: { shape: 'seed' }, conformsTo: 'seed' },
      {
        description: "shape current: today's document's",
        options: { shape: 'current' },
        conformsTo: 'current',
      },
      {
        description: "a document given: that document's, whatever the shape says",
        options: { shape: 'seed', document: loadDocument(NEWER_SPEC_PATH).document },
        conformsTo: 'current',
      },
      {
        description: "fault live-shape: today's, while the run expects the seed",
        options: { fault: 'live-shape' },
        conformsTo: 'current',
      },
    ];
    for (const { description, options, conformsTo } of cases) {
      it(description, async () => {
        const served = await startReferenceProvider({ adminKey: ADMIN_KEY, ...options });
        try {
          for (const params of [userKeyOf(served), serviceAccountKeyOf(served)]) {
            const { status, body } = await getJson(keyUrl(served.url, params));
            expect(status).to.equal(200);
            const [conforming, other] = conformsTo === 'seed' ? [validators, current] : [current, validators];
            expect(conforming.validate('ProjectApiKey', body, { strict: true }).findings).to.deep.equal([]);
            expect(other.validate('ProjectApiKey', body, { strict: true }).valid).to.equal(false);
            expect(body.id).to.equal(params.keyId);
          }
        } finally {
          await served.close();
        }
      });
    }

    it('shape current: a key last used a day after it was made, its owner active', async () => {
      const served = await startReferenceProvider({ adminKey: ADMIN_KEY, shape: 'current' });
      try {
        const { body } = await getJson(keyUrl(served.url, userKeyOf(served)));
        expect(body.last_used_at).to.equal((body.created_at as number) + 86_400);
        expect(body.owner_project_access).to.equal('active');
      } finally {
        await served.close();
      }
    });
  });
});
