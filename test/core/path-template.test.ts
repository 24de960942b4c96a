import { expect } from 'chai';
import { encodePathSegment, PathSegmentError, pathTemplate } from '../../src/core/path-template.ts';
import { retrieveOperationOf } from '../../src/openapi/operation.ts';
import { seed } from '../helpers.ts';

const template = '/organization/projects/{project_id}/api_keys/{key_id}';

describe('pathTemplate: the one path builder and reader', () => {
  const path = pathTemplate(template);

  const hostile: [string, string, string][] = [
    ['a plain id', 'key_abc', '/organization/projects/proj_1/api_keys/key_abc'],
    [
      'dot-dot segments',
      'key_x/../../../../admin',
      '/organization/projects/proj_1/api_keys/key_x%2F..%2F..%2F..%2F..%2Fadmin',
    ],
    ['a query', 'key_x?admin=1', '/organization/projects/proj_1/api_keys/key_x%3Fadmin%3D1'],
    ['a fragment', 'key_x#frag', '/organization/projects/proj_1/api_keys/key_x%23frag'],
    [
      'an encoded slash, kept literal',
      'key_x%2Fadmin',
      '/organization/projects/proj_1/api_keys/key_x%252Fadmin',
    ],
    ['spaces and unicode', 'key x\u00e9', '/organization/projects/proj_1/api_keys/key%20x%C3%A9'],
  ];
  for (const [label, keyId, want] of hostile) {
    it(`encodes ${label} as one segment, and reads it back`, () => {
      const built = path.expand(['proj_1', keyId]);
      expect(built).to.equal(want);
      // A URL parser keeps it one segment: no `..` resolved, no query, no fragment.
      const url = new URL(`http://h/v1${built}`);
      expect(url.pathname).to.equal(`/v1${built}`);
      expect([url.search, url.hash]).to.deep.equal(['', '']);
      expect(path.match(url.pathname, '/v1')).to.deep.equal(['proj_1', keyId]);
    });
  }

  for (const bad of ['', '.', '..']) {
    it(`refuses ${JSON.stringify(bad)}: no encoding keeps it one segment`, () => {
      expect(() => path.expand(['proj_1', bad])).to.throw(PathSegmentError, /key_id/);
      expect(() => encodePathSegment(bad)).to.throw(PathSegmentError);
    });
  }

  const notOurs: [string, string][] = [
    ['another path', '/organization/admin'],
    ['an extra segment', '/organization/projects/p/api_keys/k/extra'],
    ['an empty id', '/organization/projects/p/api_keys/'],
    ['a path outside the prefix', '/organization/projects/p/api_keys/k'],
    ['a malformed escape', '/v1/organization/projects/p/api_keys/%E0%A4%A'],
  ];
  for (const [label, pathname] of notOurs) {
    it(`does not match ${label}`, () => {
      expect(path.match(pathname, '/v1')).to.equal(undefined);
    });
  }

  it("is the document's template for the retrieve operation", () => {
    expect(retrieveOperationOf(seed.document).path.template).to.equal(template);
    expect(retrieveOperationOf(seed.document).path.parameters).to.deep.equal(['project_id', 'key_id']);
  });

  it('reads a path of a million characters in one pass', () => {
    const long = `/organization/projects/${'p'.repeat(1_000_000)}/api_keys/k`;
    expect(path.match(long)?.[1]).to.equal('k');
  });
});
