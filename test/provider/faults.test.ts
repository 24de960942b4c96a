import { expect } from 'chai';
import type { Finding } from '../../src/core/finding.ts';
import { valueAt } from '../../src/core/pointer.ts';
import { validatorsFor } from '../../src/openapi/validators.ts';
import { HUGE_ID_CHARACTERS, PROSE_REDACTED_VALUE } from '../../src/provider/fault-bodies.ts';
import {
  createReferenceProvider,
  FAULT_NAMES,
  FAULTS,
  type FaultName,
  type FaultOptions,
  faultNamed,
  isFaultName,
  type RunningReferenceProvider,
  startReferenceProvider,
} from '../../src/provider/index.ts';
import { PHANTOM_KEY_ID } from '../../src/provider/list.ts';
import { listen } from '../../src/provider/listen.ts';
import { seed } from '../helpers.ts';
import {
  ADMIN_KEY,
  AUTHORIZED,
  bearer,
  get,
  getJson,
  keyUrl,
  listUrl,
  rawGet,
  serviceAccountKeyOf,
  userKeyOf,
} from './client.ts';

const validators = validatorsFor(seed.document);
const strictFindings = (body: unknown) =>
  validators.validate('ProjectApiKey', body, { strict: true }).findings;
const errorAt = (findings: Finding[], pointer: string, keyword: string) =>
  findings.some((f) => f.severity === 'error' && f.pointer === pointer && f.keyword === keyword);
const WHOLE_PROJECT_KEY = /^sk-proj-[A-Za-z0-9_-]{32,}$/;
const JSON_START = '{"object":"organization.project.api_key"';

interface Probe {
  options?: FaultOptions;
  /** Observes the fault on a provider started with it; the expectation names what must be seen. */
  observe: (provider: RunningReferenceProvider) => Promise<void>;
}

const expectStrictErrorAt = async (provider: RunningReferenceProvider, pointer: string, keyword: string) => {
  const { status, body } = await getJson(keyUrl(provider.url, userKeyOf(provider)));
  expect(status).to.equal(200);
  const findings = strictFindings(body);
  expect(errorAt(findings, pointer, keyword), JSON.stringify(findings)).to.equal(true);
  return body;
};

/** First attempt of a request fails with `status`, the retry (same method, path, authorization) gets 200. */
const expectFailThenOk = async (provider: RunningReferenceProvider, status: number) => {
  const url = keyUrl(provider.url, userKeyOf(provider));
  const first = await getJson(url);
  const second = await getJson(url);
  const third = await get(url);
  expect([first.status, second.status, third.status]).to.deep.equal([status, 200, status]);
  expect(strictFindings(second.body)).to.deep.equal([]);
  // A different request has a first attempt of its own.
  expect((await get(keyUrl(provider.url, serviceAccountKeyOf(provider)))).status).to.equal(status);
  return first;
};

// Record<FaultName, …>: the compiler refuses a fault without a probe.
const PROBES: Record<FaultName, Probe> = {
  'wrong-enum': {
    observe: async (provider) => {
      const body = await expectStrictErrorAt(provider, '/owner/type', 'enum');
      const members = valueAt(
        seed.document,
        '/components/schemas/ProjectApiKey/properties/owner/properties/type/enum',
      );
      expect(members).to.be.an('array').that.does.not.include(valueAt(body, '/owner/type'));
    },
  },
  'missing-required': {
    observe: async (provider) => {
      const body = await expectStrictErrorAt(provider, '/redacted_value', 'required');
      expect(body).not.to.have.property('redacted_value');
    },
  },
  'wrong-type': {
    observe: async (provider) => {
      const body = await expectStrictErrorAt(provider, '/created_at', 'type');
      expect(body.created_at).to.be.a('string');
    },
  },
  'unredacted-key': {
    observe: async (provider) => {
      const url = keyUrl(provider.url, userKeyOf(provider));
      const [a, b] = [(await getJson(url)).body, (await getJson(url)).body];
      expect(a.redacted_value).to.match(WHOLE_PROJECT_KEY);
      expect(a.redacted_value).not.to.equal(b.redacted_value); // generated at run time, not a fixed string
      expect(strictFindings(a)).to.deep.equal([]); // the schema cannot see it: a security check must
    },
  },
  'masked-whole-key': {
    observe: async (provider) => {
      const { body } = await getJson(keyUrl(provider.url, userKeyOf(provider)));
      const value = String(body.redacted_value);
      expect(value.endsWith('*')).to.equal(true);
      expect(value.slice(0, -1)).to.match(WHOLE_PROJECT_KEY);
      expect(strictFindings(body)).to.deep.equal([]);
    },
  },
  'prose-redacted-value': {
    observe: async (provider) => {
      for (const params of [userKeyOf(provider), serviceAccountKeyOf(provider)]) {
        const { body } = await getJson(keyUrl(provider.url, params));
        expect(body.redacted_value).to.equal(PROSE_REDACTED_VALUE);
        expect(strictFindings(body)).to.deep.equal([]); // a string, as the schema asks
      }
    },
  },
  'huge-id': {
    observe: async (provider) => {
      const { status, body } = await getJson(keyUrl(provider.url, userKeyOf(provider)));
      expect(status).to.equal(200);
      expect(body.id).to.have.length(HUGE_ID_CHARACTERS);
      expect(strictFindings(body)).to.deep.equal([]);
    },
  },
  'live-shape': {
    observe: async (provider) => {
      const body = await expectStrictErrorAt(provider, '/owner/user/added_at', 'required');
      const findings = strictFindings(body);
      const wanted: [string, string][] = [
        ['/owner/user/object', 'required'],
        ['/owner/user/created_at', 'additionalProperties'],
        ['/last_used_at', 'additionalProperties'],
        ['/owner_project_access', 'additionalProperties'],
      ];
      for (const [pointer, keyword] of wanted)
        expect(errorAt(findings, pointer, keyword), pointer).to.equal(true);
      expect(Object.keys(valueAt(body, '/owner/user') as object).sort()).to.deep.equal([
        'created_at',
        'email',
        'id',
        'name',
        'role',
      ]);
      const lenient = validators.validate('ProjectApiKey', body).findings;
      expect(lenient.find((f) => f.pointer === '/last_used_at')?.severity).to.equal('warning');
      const service = await getJson(keyUrl(provider.url, serviceAccountKeyOf(provider)));
      expect(valueAt(service.body, '/owner/service_account')).not.to.have.property('object');
    },
  },
  'owner-mismatch': {
    observe: async (provider) => {
      for (const params of [userKeyOf(provider), serviceAccountKeyOf(provider)]) {
        const { body } = await getJson(keyUrl(provider.url, params));
        expect(strictFindings(body)).to.deep.equal([]); // only a semantic check catches it
        expect(body.owner).to.have.property('type', 'user');
        expect(body.owner).to.have.property('service_account');
        expect(body.owner).not.to.have.property('user');
      }
    },
  },
  'swapped-owner-types': {
    observe: async (provider) => {
      const owners: [ReturnType<typeof userKeyOf>, string][] = [
        [userKeyOf(provider), 'service_account'],
        [serviceAccountKeyOf(provider), 'user'],
      ];
      for (const [params, type] of owners) {
        const { body } = await getJson(keyUrl(provider.url, params));
        expect(strictFindings(body)).to.deep.equal([]); // sound in itself: only the flag is wrong
        expect(body.id).to.equal(params.keyId);
        expect(body.owner).to.have.property('type', type);
        expect(body.owner).to.have.property(type);
      }
    },
  },
  'wrong-id': {
    observe: async (provider) => {
      const params = userKeyOf(provider);
      const { status, body } = await getJson(keyUrl(provider.url, params));
      expect(status).to.equal(200);
      expect(body.id).to.be.a('string').that.does.not.equal(params.keyId);
      expect(strictFindings(body)).to.deep.equal([]);
    },
  },
  'html-200': {
    observe: async (provider) => {
      const { status, headers, text } = await get(keyUrl(provider.url, userKeyOf(provider)));
      expect(status).to.equal(200);
      expect(headers.get('content-type')).to.match(/^text\/html/);
      expect(text).to.match(/^<!DOCTYPE html>/);
      expect(() => JSON.parse(text)).to.throw(SyntaxError);
    },
  },
  'wrong-content-type': {
    observe: async (provider) => {
      const { status, headers, text } = await get(keyUrl(provider.url, userKeyOf(provider)));
      expect(status).to.equal(200);
      expect(headers.get('content-type')).to.match(/^text\/plain/);
      expect(strictFindings(JSON.parse(text))).to.deep.equal([]);
    },
  },
  'empty-body': {
    observe: async (provider) => {
      const { status, headers, text } = await get(keyUrl(provider.url, userKeyOf(provider)));
      expect(status).to.equal(200);
      expect(headers.get('content-length')).to.equal('0');
      expect(text).to.equal('');
    },
  },
  'truncated-json': {
    observe: async (provider) => {
      const url = keyUrl(provider.url, userKeyOf(provider));
      const raw = await rawGet(url);
      expect(raw.status).to.equal(200);
      expect(raw.complete).to.equal(false);
      expect(raw.bytes.length).to.be.greaterThan(0).and.lessThan(Number(raw.headers['content-length']));
      expect(raw.bytes.toString()).to.match(/^\{"object":/);
      expect(() => JSON.parse(raw.bytes.toString())).to.throw(SyntaxError);
      const response = await fetch(url, { headers: AUTHORIZED });
      let failure: unknown;
      await response.text().catch((error: unknown) => {
        failure = error;
      });
      expect(failure, 'fetch reads a cut body as an error').to.be.instanceOf(Error);
    },
  },
  'rate-limited': {
    observe: async (provider) => {
      const first = await expectFailThenOk(provider, 429);
      expect(first.headers.get('retry-after')).to.equal('1');
      expect(first.body.error).to.include({ code: 'rate_limit_exceeded' });
    },
  },
  'retry-after-ms': {
    options: { retryAfterMs: 25 },
    observe: async (provider) => {
      const first = await expectFailThenOk(provider, 429);
      expect(first.headers.get('retry-after-ms')).to.equal('25');
      expect(first.headers.get('retry-after')).to.equal(null);
    },
  },
  'transient-5xx': {
    observe: async (provider) => {
      const first = await expectFailThenOk(provider, 503);
      expect(first.body.error).to.include({ type: 'server_error' });
    },
  },
  'permanent-5xx': {
    observe: async (provider) => {
      const url = keyUrl(provider.url, userKeyOf(provider));
      const statuses = [];
      for (let attempt = 0; attempt < 3; attempt += 1) statuses.push((await get(url)).status);
      expect(statuses).to.deep.equal([500, 500, 500]);
    },
  },
  hang: {
    observe: async (provider) => {
      let failure: unknown;
      await fetch(keyUrl(provider.url, userKeyOf(provider)), {
        headers: AUTHORIZED,
        signal: AbortSignal.timeout(150),
      }).catch((error: unknown) => {
        failure = error;
      });
      expect((failure as Error | undefined)?.name).to.equal('TimeoutError');
    },
  },
  reset: {
    observe: async (provider) => {
      let failure: unknown;
      await rawGet(keyUrl(provider.url, userKeyOf(provider))).catch((error: unknown) => {
        failure = error;
      });
      expect((failure as NodeJS.ErrnoException | undefined)?.code).to.equal('ECONNRESET');
    },
  },
  'huge-body': {
    observe: async (provider) => {
      // The default size (300 MB): read the first bytes only, then abort.
      const controller = new AbortController();
      const response = await fetch(keyUrl(provider.url, userKeyOf(provider)), {
        headers: AUTHORIZED,
        signal: controller.signal,
      });
      expect(response.status).to.equal(200);
      expect(response.headers.get('content-type')).to.equal('application/json');
      expect(response.headers.get('content-length')).to.equal(null);
      const reader = (response.body as ReadableStream<Uint8Array>).getReader();
      let head = '';
      while (head.length < JSON_START.length) {
        const { value, done } = await reader.read();
        if (done) break;
        head += Buffer.from(value).toString();
      }
      expect(head.startsWith(JSON_START)).to.equal(true);
      controller.abort();
      await reader.cancel().catch(() => undefined);
    },
  },
  'auth-not-enforced': {
    observe: async (provider) => {
      const url = keyUrl(provider.url, userKeyOf(provider));
      for (const headers of [{}, bearer('sk-admin-EXAMPLE-wrong')]) {
        const { status, body } = await getJson(url, headers);
        expect(status).to.equal(200);
        expect(strictFindings(body)).to.deep.equal([]);
      }
    },
  },
  'not-found-not-enforced': {
    observe: async (provider) => {
      const params = { projectId: provider.seed.projectId, keyId: 'key_does_not_exist' };
      const { status, body } = await getJson(keyUrl(provider.url, params));
      expect(status).to.equal(200);
      expect(body.id).to.equal(params.keyId);
      expect(strictFindings(body)).to.deep.equal([]);
    },
  },
  'cross-origin-redirect': {
    observe: async (provider) => {
      const other = provider.otherOrigin;
      if (!other) throw new Error('no other origin was started');
      const url = keyUrl(provider.url, userKeyOf(provider));
      const response = await fetch(url, { headers: AUTHORIZED, redirect: 'manual' });
      expect(response.status).to.equal(302);
      const location = new URL(response.headers.get('location') as string);
      expect(location.origin).to.equal(other.url).and.not.equal(new URL(provider.url).origin);
      expect(location.pathname).to.equal(new URL(url).pathname);
      expect(other.requests).to.deep.equal([]);
      // fetch following the redirect drops Authorization across origins; the other origin records that.
      const followed = await getJson(url);
      expect(followed.status).to.equal(200);
      expect(other.requests).to.have.length(1);
      expect(other.sawAuthorization()).to.equal(false);
      // And it would see a key sent to it directly: the record can say yes.
      await get(location.href);
      expect(other.sawAuthorization()).to.equal(true);
    },
  },
  'same-origin-redirect': {
    observe: async (provider) => {
      const url = keyUrl(provider.url, userKeyOf(provider));
      const response = await fetch(url, { headers: AUTHORIZED, redirect: 'manual' });
      expect(response.status).to.equal(302);
      const location = new URL(response.headers.get('location') as string, url);
      expect(location.origin).to.equal(new URL(provider.url).origin);
      const landing = await get(location.href, {});
      expect([landing.status, landing.headers.get('content-type')]).to.deep.equal([
        200,
        'text/html; charset=utf-8',
      ]);
    },
  },
  'key-in-header': {
    observe: async (provider) => {
      const { headers } = await get(keyUrl(provider.url, userKeyOf(provider)));
      expect(headers.get('x-debug-authorization')).to.equal(`Bearer ${ADMIN_KEY}`);
      const refused = await get(keyUrl(provider.url, userKeyOf(provider)), bearer('sk-admin-OTHER'));
      expect([refused.status, refused.headers.get('x-debug-authorization')]).to.deep.equal([
        401,
        'Bearer sk-admin-OTHER',
      ]);
    },
  },
  'key-in-error-body': {
    observe: async (provider) => {
      const refused = await getJson(keyUrl(provider.url, userKeyOf(provider)), bearer('sk-admin-OTHER'));
      expect(refused.status).to.equal(401);
      expect(JSON.stringify(refused.body)).to.include('sk-admin-OTHER');
      const missing = await getJson(
        keyUrl(provider.url, { projectId: provider.seed.projectId, keyId: 'key_gone' }),
      );
      expect(missing.status).to.equal(404);
      expect(JSON.stringify(missing.body)).to.include(ADMIN_KEY);
    },
  },
  'key-json-escaped': {
    observe: async (provider) => {
      const { status, text } = await get(keyUrl(provider.url, userKeyOf(provider)));
      expect(status).to.equal(200);
      expect(text).not.to.include(ADMIN_KEY);
      expect(text).to.include(`\\u0073${ADMIN_KEY.slice(1)}`);
      expect(JSON.parse(text).name).to.equal(ADMIN_KEY);
    },
  },
  'key-in-location': {
    observe: async (provider) => {
      const url = keyUrl(provider.url, userKeyOf(provider));
      const first = await fetch(url, { headers: AUTHORIZED, redirect: 'manual' });
      expect(first.status).to.equal(307);
      const location = new URL(first.headers.get('location') as string, url);
      expect(location.pathname).to.equal(new URL(url).pathname);
      expect(Buffer.from(location.searchParams.get('session') ?? '', 'base64').toString()).to.equal(
        ADMIN_KEY,
      );
      expect((await getJson(location.href)).status).to.equal(200);
    },
  },
  'plausible-unknown-key': {
    observe: async (provider) => {
      const shaped = { projectId: provider.seed.projectId, keyId: 'key_Zz9Yy8Xx7Ww6Vv5U' };
      const odd = { projectId: provider.seed.projectId, keyId: 'key_conformance_absent_0a1b2c3d4e5f' };
      expect((await getJson(keyUrl(provider.url, shaped))).status).to.equal(200);
      expect((await getJson(keyUrl(provider.url, odd))).status).to.equal(404);
    },
  },
  'list-retrieve-disagree': {
    observe: async (provider) => {
      const { body } = await getJson(listUrl(provider.url, provider.seed.projectId));
      const listed = (body.data as Record<string, unknown>[]).find(
        (key) => key.id === provider.seed.serviceAccountKeyId,
      );
      const retrieved = await getJson(keyUrl(provider.url, serviceAccountKeyOf(provider)));
      expect(listed?.name).to.equal(`${String(retrieved.body.name)} (renamed)`);
      expect({ ...listed, name: retrieved.body.name }).to.deep.equal(retrieved.body);
    },
  },
  'listed-key-404': {
    observe: async (provider) => {
      const { body } = await getJson(listUrl(provider.url, provider.seed.projectId));
      const ids = (body.data as { id: string }[]).map((key) => key.id);
      expect(ids).to.deep.equal([provider.seed.userKeyId, provider.seed.serviceAccountKeyId, PHANTOM_KEY_ID]);
      const phantom = { projectId: provider.seed.projectId, keyId: PHANTOM_KEY_ID };
      expect((await getJson(keyUrl(provider.url, phantom))).status).to.equal(404);
    },
  },
  'list-cursor-restarts': {
    observe: async (provider) => {
      const first = await getJson(listUrl(provider.url, provider.seed.projectId, { limit: '1' }));
      expect(first.body.has_more).to.equal(true);
      const second = await getJson(
        listUrl(provider.url, provider.seed.projectId, { limit: '1', after: String(first.body.last_id) }),
      );
      expect(second.body).to.deep.equal(first.body);
    },
  },
  'list-has-more-forever': {
    observe: async (provider) => {
      const all = await getJson(listUrl(provider.url, provider.seed.projectId));
      expect([(all.body.data as unknown[]).length, all.body.has_more]).to.deep.equal([2, true]);
      const past = await getJson(
        listUrl(provider.url, provider.seed.projectId, { after: String(all.body.last_id) }),
      );
      expect(past.body).to.deep.include({ data: [], first_id: null, last_id: null, has_more: true });
    },
  },
  'admin-shaped-bearer': {
    observe: async (provider) => {
      const url = keyUrl(provider.url, userKeyOf(provider));
      const shaped = `sk-admin-${'Q'.repeat(ADMIN_KEY.length - 'sk-admin-'.length)}`;
      expect((await get(url, bearer(shaped))).status).to.equal(200);
      expect((await get(url, bearer(`${shaped}x`))).status).to.equal(401);
      expect((await get(url, bearer('sk-admin-conformance-invalid-0a1b'))).status).to.equal(401);
    },
  },
  'non-ascii-500': {
    observe: async (provider) => {
      const { projectId, keyId } = userKeyOf(provider);
      expect((await get(keyUrl(provider.url, { projectId, keyId: `${keyId}é` }))).status).to.equal(500);
      expect((await get(keyUrl(provider.url, { projectId, keyId: `${keyId}e` }))).status).to.equal(404);
      expect((await get(keyUrl(provider.url, { projectId, keyId }))).status).to.equal(200);
    },
  },
  'bearer-prefix': {
    observe: async (provider) => {
      const url = keyUrl(provider.url, userKeyOf(provider));
      expect((await get(url, bearer(`${ADMIN_KEY}x`))).status).to.equal(200);
      expect((await get(url, bearer(ADMIN_KEY.slice(0, -1)))).status).to.equal(401);
    },
  },
  'anonymous-served': {
    observe: async (provider) => {
      const url = keyUrl(provider.url, userKeyOf(provider));
      expect((await getJson(url, {})).body.id).to.equal(provider.seed.userKeyId);
      expect((await get(url, bearer('sk-admin-OTHER'))).status).to.equal(401);
    },
  },
  'any-project': {
    observe: async (provider) => {
      const keyId = provider.seed.userKeyId;
      const { status, body } = await getJson(keyUrl(provider.url, { projectId: 'proj_someone_else', keyId }));
      expect([status, body.id]).to.deep.equal([200, keyId]);
    },
  },
  'stack-trace-404': {
    observe: async (provider) => {
      const missing = { projectId: provider.seed.projectId, keyId: 'key_gone' };
      const { status, body } = await getJson(keyUrl(provider.url, missing));
      expect(status).to.equal(404);
      expect((body.error as { message: string }).message).to.match(/\n {4}at .*\(\/srv\/app\/.*:\d+:\d+\)/);
    },
  },
  'case-insensitive-id': {
    observe: async (provider) => {
      const { projectId, keyId } = userKeyOf(provider);
      const { status, body } = await getJson(keyUrl(provider.url, { projectId, keyId: keyId.toUpperCase() }));
      expect([status, body.id]).to.deep.equal([200, keyId]);
    },
  },
};

describe('reference provider faults', () => {
  it('are listed once each, with a description', () => {
    expect(new Set(FAULT_NAMES).size).to.equal(FAULTS.length);
    expect(Object.keys(PROBES).sort()).to.deep.equal([...FAULT_NAMES].sort());
    for (const fault of FAULTS) {
      expect(fault.description, fault.name)
        .to.match(/^\S.*\S$/)
        .and.not.include('\n');
      expect(isFaultName(fault.name)).to.equal(true);
      expect(faultNamed(fault.name)).to.equal(fault);
    }
    expect(isFaultName('no-such-fault')).to.equal(false);
  });

  for (const fault of FAULTS) {
    const probe = PROBES[fault.name];
    describe(fault.name, () => {
      let provider: RunningReferenceProvider;
      before(async () => {
        provider = await startReferenceProvider({
          adminKey: ADMIN_KEY,
          fault: fault.name,
          ...(probe.options && { faultOptions: probe.options }),
        });
      });
      after(() => provider.close());

      it(`does what it says: ${fault.description}`, () => probe.observe(provider));

      it('still answers other paths 404', async () => {
        const response = await fetch(`${provider.url}/organization/projects`, { headers: AUTHORIZED });
        expect(response.status).to.equal(404);
      });
    });
  }

  describe('huge-body at a small configured size', () => {
    const size = 256 * 1024 + 7;
    let provider: RunningReferenceProvider;
    before(async () => {
      provider = await startReferenceProvider({
        adminKey: ADMIN_KEY,
        fault: 'huge-body',
        faultOptions: { hugeBodyBytes: size, hugeBodyChunkBytes: 4096 },
      });
    });
    after(() => provider.close());

    it('streams exactly that many bytes of JSON that never ends validly', async () => {
      const { status, text } = await get(keyUrl(provider.url, userKeyOf(provider)));
      expect(status).to.equal(200);
      expect(Buffer.byteLength(text)).to.equal(size);
      expect(text.startsWith(JSON_START)).to.equal(true);
      expect(() => JSON.parse(text)).to.throw(SyntaxError);
    });
  });

  it('close() returns while a hanging request is still open', async () => {
    const provider = createReferenceProvider({ adminKey: ADMIN_KEY, fault: 'hang' });
    let arrived: () => void = () => undefined;
    const hanging = new Promise<void>((resolve) => {
      arrived = resolve;
    });
    const server = await listen(
      (req, res) => {
        provider.handler(req, res);
        arrived();
      },
      0,
      '127.0.0.1',
    );
    const pending = fetch(keyUrl(server.origin, userKeyOf(provider)), { headers: AUTHORIZED }).catch(
      (error: unknown) => error,
    );
    await hanging;
    await server.close();
    expect(await pending).to.be.instanceOf(Error);
  });

  it('close() returns while a huge body is still streaming', async () => {
    const provider = await startReferenceProvider({ adminKey: ADMIN_KEY, fault: 'huge-body' });
    const response = await fetch(keyUrl(provider.url, userKeyOf(provider)), { headers: AUTHORIZED });
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    await reader.read();
    await provider.close();
    let failure: unknown;
    try {
      for (;;) if ((await reader.read()).done) break;
    } catch (error) {
      failure = error;
    }
    expect(failure, 'the stream was cut, not completed').to.be.instanceOf(Error);
  });
});
