import { expect } from 'chai';
import { loadDocument } from '../../src/openapi/document.ts';
import { listOperationOf } from '../../src/openapi/list-operation.ts';
import { validatorsFor } from '../../src/openapi/validators.ts';
import { type RunningReferenceProvider, startReferenceProvider } from '../../src/provider/index.ts';
import { MAX_SEEDED_KEYS, seededKeyId } from '../../src/provider/store.ts';
import { NEWER_SPEC_PATH, seed } from '../helpers.ts';
import { ADMIN_KEY, bearer, getJson, keyUrl, listUrl } from './client.ts';

// The reference provider's list endpoint: real pagination over the seeded project, as today's document
// describes it, whichever shape its keys take; every listed key is retrievable and the same.

const current = loadDocument(NEWER_SPEC_PATH);
const listComponent = listOperationOf(current.document)?.component as string;

interface Page {
  data: { id: string; owner: { type: string } }[];
  first_id: string | null;
  last_id: string | null;
  has_more: boolean;
}

/** Every page of the project's list at `limit`, following the cursor. */
const allPages = async (provider: RunningReferenceProvider, limit: number): Promise<Page[]> => {
  const pages: Page[] = [];
  let after: string | undefined;
  for (;;) {
    const query = { limit: String(limit), ...(after === undefined ? {} : { after }) };
    const { status, body } = await getJson(listUrl(provider.url, provider.seed.projectId, query));
    expect(status).to.equal(200);
    const page = body as unknown as Page;
    pages.push(page);
    if (!page.has_more) return pages;
    after = page.last_id as string;
  }
};

describe('reference provider: GET .../api_keys (list)', () => {
  for (const shape of ['seed', 'current'] as const) {
    describe(`serving the ${shape} shape with --keys 250`, () => {
      let provider: RunningReferenceProvider;
      before(async () => {
        provider = await startReferenceProvider({ adminKey: ADMIN_KEY, shape, keys: 250 });
      });
      after(() => provider.close());

      it('pages through every key once, in order, the cursor on each page its last id', async () => {
        const pages = await allPages(provider, 100);
        expect(pages.map((p) => p.data.length)).to.deep.equal([100, 100, 50]);
        const ids = pages.flatMap((p) => p.data.map((k) => k.id));
        expect(new Set(ids).size).to.equal(250);
        expect(ids.slice(0, 3)).to.deep.equal([
          provider.seed.userKeyId,
          provider.seed.serviceAccountKeyId,
          seededKeyId(0),
        ]);
        for (const page of pages) {
          expect([page.first_id, page.last_id]).to.deep.equal([page.data[0]?.id, page.data.at(-1)?.id]);
        }
        const owners =
          ids.length - pages.flatMap((p) => p.data).filter((k) => k.owner.type === 'user').length;
        expect(owners, 'keys owned by service accounts').to.equal(125);
      });

      it('lists each key as its retrieve answers it, valid against the document of its shape', async () => {
        const [first] = await allPages(provider, 100);
        const entries = (first as Page).data.slice(0, 5);
        const validators = shape === 'seed' ? validatorsFor(seed.document) : validatorsFor(current.document);
        for (const entry of entries) {
          const retrieved = await getJson(
            keyUrl(provider.url, { projectId: provider.seed.projectId, keyId: entry.id }),
          );
          expect(retrieved.body).to.deep.equal(entry);
          expect(validators.validate('ProjectApiKey', entry, { strict: true }).findings).to.deep.equal([]);
        }
        const envelope = { ...(first as Page), data: [] };
        expect(
          validatorsFor(current.document).validate(listComponent, envelope, { strict: true }).findings,
        ).to.deep.equal([]);
      });
    });
  }

  describe('its answers to what it does not take', () => {
    let provider: RunningReferenceProvider;
    before(async () => {
      provider = await startReferenceProvider({ adminKey: ADMIN_KEY });
    });
    after(() => provider.close());

    const cases: { name: string; query: Record<string, string>; status: number; param?: string }[] = [
      { name: 'no query: the default limit, the first page', query: {}, status: 200 },
      { name: 'limit 0', query: { limit: '0' }, status: 400, param: 'limit' },
      { name: 'limit 101', query: { limit: '101' }, status: 400, param: 'limit' },
      { name: 'limit not a number', query: { limit: 'ten' }, status: 400, param: 'limit' },
      { name: 'an unknown cursor', query: { after: 'key_unknown' }, status: 400, param: 'after' },
      {
        name: 'an unknown owner_project_access',
        query: { owner_project_access: 'some' },
        status: 400,
        param: 'owner_project_access',
      },
      { name: 'owner_project_access any', query: { owner_project_access: 'any' }, status: 200 },
    ];
    for (const c of cases) {
      it(`${c.name}: ${c.status}`, async () => {
        const { status, body } = await getJson(listUrl(provider.url, provider.seed.projectId, c.query));
        expect(status).to.equal(c.status);
        if (c.param) expect((body.error as { param: string }).param).to.equal(c.param);
      });
    }

    it('filters by owner_project_access: every seeded key is active', async () => {
      const active = await getJson(
        listUrl(provider.url, provider.seed.projectId, { owner_project_access: 'active' }),
      );
      const inactive = await getJson(
        listUrl(provider.url, provider.seed.projectId, { owner_project_access: 'inactive' }),
      );
      expect((active.body.data as unknown[]).length).to.equal(2);
      expect(inactive.body).to.deep.include({ data: [], first_id: null, last_id: null, has_more: false });
    });

    it('an unknown project is 404, a wrong admin key 401, another method 405', async () => {
      expect((await getJson(listUrl(provider.url, 'proj_unknown'))).status).to.equal(404);
      expect(
        (await getJson(listUrl(provider.url, provider.seed.projectId), bearer('sk-admin-OTHER'))).status,
      ).to.equal(401);
      const deleted = await fetch(listUrl(provider.url, provider.seed.projectId), {
        method: 'DELETE',
        headers: bearer(ADMIN_KEY),
      });
      expect(deleted.status).to.equal(405);
    });
  });

  it(`seeds 2 to ${MAX_SEEDED_KEYS} keys, and refuses any other number`, async () => {
    for (const keys of [1, MAX_SEEDED_KEYS + 1, 2.5]) {
      let refused: unknown;
      try {
        await startReferenceProvider({ adminKey: ADMIN_KEY, keys });
      } catch (error) {
        refused = error;
      }
      expect(refused, String(keys)).to.be.instanceOf(RangeError);
    }
  });
});
