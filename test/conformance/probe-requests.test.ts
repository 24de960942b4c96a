import { expect } from 'chai';
import fc from 'fast-check';
import {
  AUTH_LABELS,
  type Auth,
  authorizationOf,
  invalidityOf,
  type ProbeCategory,
  type ProbeRequest,
  probeCategories,
  SAFE_METHODS,
} from '../../src/conformance/probe-requests.ts';
import { ADMIN_KEY, contextOf, PROJECT, requestOf, SERVICE_KEY, USER_KEY } from './probe-fixtures.ts';

// What the probe stage generates: every kind of request the issue lists, and never a method that
// changes anything on a target the run did not start.

const categoryNamed = (categories: ProbeCategory[], name: string): ProbeCategory => {
  const found = categories.find((c) => c.name === name);
  if (!found) throw new Error(`no category ${name}`);
  return found;
};
const sampleOf = (categories: ProbeCategory[], name: string, runs = 200): ProbeRequest[] =>
  fc.sample(categoryNamed(categories, name).arbitrary, { seed: 42, numRuns: runs });
const codePoints = (text: string) => [...text].map((c) => c.codePointAt(0) as number);

describe('probe requests', () => {
  const live = probeCategories(contextOf());

  it('sends a live target only GET and HEAD, whatever a category draws', () => {
    for (const category of live) {
      fc.assert(
        fc.property(category.arbitrary, (request) => SAFE_METHODS.includes(request.method)),
        { seed: 7, numRuns: 300 },
      );
    }
  });

  it('sends the bundled reference provider DELETE, POST, PUT and PATCH too, and HEAD everywhere', () => {
    const reference = probeCategories(contextOf({ reference: true }));
    const methods = new Set(sampleOf(reference, 'other methods').map((r) => r.method));
    expect([...methods].sort()).to.deep.equal(['DELETE', 'PATCH', 'POST', 'PUT']);
    expect(new Set(sampleOf(live, 'HEAD').map((r) => r.method))).to.deep.equal(new Set(['HEAD']));
    expect(live.map((c) => c.name)).not.to.include('other methods');
  });

  it('varies one thing per category, from a valid request', () => {
    for (const request of sampleOf(live, 'unknown id', 50)) {
      expect(request).to.include({ method: 'GET', projectId: PROJECT, accept: 'application/json' });
      expect(request.auth).to.deep.equal({ kind: 'admin' });
    }
  });

  it('draws well-formed unknown ids shaped like the known ones', () => {
    for (const { keyId } of sampleOf(live, 'unknown id')) {
      expect(keyId).to.match(/^key_[A-Za-z0-9]{16}$/);
      expect([USER_KEY, SERVICE_KEY]).not.to.include(keyId);
    }
  });

  it('draws ids with astral, right-to-left and combining characters', () => {
    const points = sampleOf(live, 'unicode id').flatMap((r) => codePoints(r.keyId));
    expect(
      points.some((p) => p > 0xffff),
      'astral',
    ).to.equal(true);
    expect(
      points.some((p) => (p >= 0x0590 && p <= 0x06ff) || p === 0x200f || p === 0x202e),
      'rtl',
    ).to.equal(true);
    expect(
      points.some((p) => p >= 0x0300 && p <= 0x036f),
      'combining',
    ).to.equal(true);
  });

  it('draws ids with reserved and percent-encoded characters', () => {
    const ids = sampleOf(live, 'reserved characters in the id', 300).map((r) => r.keyId);
    for (const token of ['%2F', '%00', '..', '/', '\u0000', ';', '?', '#', ' ']) {
      expect(
        ids.some((id) => id.includes(token)),
        JSON.stringify(token),
      ).to.equal(true);
    }
    // Each is one path segment: `..` alone, which a URL parser would resolve, is never drawn.
    expect(ids.filter((id) => id === '.' || id === '..')).to.deep.equal([]);
  });

  it('draws ids up to 8 KB long', () => {
    const lengths = sampleOf(live, 'long id').map((r) => r.keyId.length);
    expect(Math.max(...lengths))
      .to.be.at.most(8192)
      .and.above(4096);
  });

  it('draws case and whitespace variants of a known id, never the id itself', () => {
    for (const { keyId } of sampleOf(live, 'case variant of a known id')) {
      expect([USER_KEY, SERVICE_KEY]).not.to.include(keyId);
      expect([USER_KEY, SERVICE_KEY].map((k) => k.toLowerCase())).to.include(keyId.toLowerCase());
    }
    for (const { keyId } of sampleOf(live, 'whitespace variant of a known id')) {
      expect([USER_KEY, SERVICE_KEY]).not.to.include(keyId);
      expect([USER_KEY, SERVICE_KEY]).to.include(keyId.replace(/[\s\u200b]/g, ''));
    }
  });

  it('draws a known key under another project: random well-formed ids, and --other-project-id', () => {
    const categories = probeCategories(contextOf({ otherProjectId: 'proj_other' }));
    const requests = sampleOf(categories, 'known key under another project');
    const projects = new Set(requests.map((r) => r.projectId));
    expect(projects.has('proj_other')).to.equal(true);
    expect(projects.has(PROJECT)).to.equal(false);
    expect(
      [...projects].filter((p) => p !== 'proj_other').every((p) => /^proj_[A-Za-z0-9]{24}$/.test(p)),
    ).to.equal(true);
    for (const request of requests) expect([USER_KEY, SERVICE_KEY]).to.include(request.keyId);
  });

  it('draws every auth variant, each a category of its own', () => {
    const kinds = live.flatMap((c) => sampleOf([c], c.name, 20).map((r) => r.auth.kind));
    expect(new Set(kinds)).to.deep.equal(new Set(Object.keys(AUTH_LABELS)));
  });

  it('draws query parameters the document does not declare, and Accept variants', () => {
    const categories = probeCategories(contextOf({ documentedQuery: ['limit', 'after'] }));
    const names = sampleOf(categories, 'unknown query parameters', 300).flatMap((r) =>
      r.query.map(([n]) => n),
    );
    expect(names).to.include('debug');
    expect(names).not.to.include('limit');
    expect(names).not.to.include('after');
    const accepts = new Set(sampleOf(live, 'Accept variants').map((r) => r.accept));
    expect(accepts.has(undefined) && accepts.has('text/html') && accepts.has('*/*')).to.equal(true);
    expect(accepts.has('application/json')).to.equal(false);
  });

  const authorizations: [Auth, string[]][] = [
    [{ kind: 'admin' }, [`Bearer ${ADMIN_KEY}`]],
    [{ kind: 'none' }, []],
    [{ kind: 'empty-bearer', value: 'Bearer' }, ['Bearer']],
    [{ kind: 'other-scheme', scheme: 'Basic' }, [`Basic ${ADMIN_KEY}`]],
    [{ kind: 'appended', character: 'x' }, [`Bearer ${ADMIN_KEY}x`]],
    [{ kind: 'removed', index: 0 }, [`Bearer ${ADMIN_KEY.slice(1)}`]],
    [{ kind: 'case-flipped' }, ['Bearer SK-ADMIN-example']],
    [{ kind: 'project-key', token: 'sk-proj-EXAMPLE' }, ['Bearer sk-proj-EXAMPLE']],
    [
      { kind: 'two-headers', other: 'sk-admin-OTHER', adminFirst: false },
      ['Bearer sk-admin-OTHER', `Bearer ${ADMIN_KEY}`],
    ],
  ];
  for (const [auth, want] of authorizations) {
    it(`sends ${AUTH_LABELS[auth.kind]} as ${want.length} Authorization header(s)`, () => {
      expect(authorizationOf(auth, ADMIN_KEY)).to.deep.equal(want);
    });
  }

  const validity: [string, Partial<ProbeRequest>, RegExp | undefined][] = [
    ['the known key with the admin key', {}, undefined],
    ['no Authorization header', { auth: { kind: 'none' } }, /credentials are not valid/],
    ['another project', { projectId: 'proj_other' }, /project is not the one/],
    ['a case variant of a known id', { keyId: USER_KEY.toUpperCase() }, /no key has its id/],
    ['DELETE', { method: 'DELETE' }, /method DELETE is not served/],
    [
      'two Authorization headers, one of them the admin key',
      { auth: { kind: 'two-headers', other: 'x', adminFirst: true } },
      /credentials/,
    ],
  ];
  for (const [label, request, reason] of validity) {
    it(`judges ${label} ${reason ? 'not valid' : 'valid'}`, () => {
      const reasons = invalidityOf(requestOf(request), contextOf());
      if (reason) expect(reasons.join('; ')).to.match(reason);
      else expect(reasons).to.deep.equal([]);
    });
  }

  it('judges every key not valid under a project the run was not given', () => {
    expect(invalidityOf(requestOf(), contextOf({ projectKnown: false })).join()).to.match(/project/);
  });
});
