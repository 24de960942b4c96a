import { expect } from 'chai';
import { compareOperations } from '../../src/drift/compare.ts';
import { SchemaShapeError } from '../../src/drift/shape.ts';
import type { OpenApiDocument } from '../../src/openapi/document.ts';
import { fanOut, OPERATION } from './documents.ts';

// A "billion laughs" of refs: level i refers to level i + 1 twice, 30 levels deep: a few KB that stand
// for 2^30 schemas. Compared path by path, drift never ends. The same pair of schemas compared again in
// the same place of the walk gives the same answer, so the unchanged ones are compared once; a fan-out
// whose every path changes would name 2^30 changes, and the walk stops at 100,000 steps instead (exit 2).

const compare = (from: OpenApiDocument, to: OpenApiDocument) =>
  compareOperations(from, to, { operation: OPERATION }).changes;

describe('drift: schemas that fan out through shared $refs', () => {
  describe('30 levels, the same in both documents: no change, each pair compared once', () => {
    for (const fan of ['properties', 'allOf', 'anyOf', 'items'] as const) {
      it(`through ${fan}`, () => {
        expect(compare(fanOut(30, fan), fanOut(30, fan))).to.deep.equal([]);
      });
    }
  });

  it('a change under a few levels of fan-out is still named on every path to it', () => {
    const changes = compare(
      fanOut(4, 'properties'),
      fanOut(4, 'properties', { type: 'string', maxLength: 3 }),
    );
    // 2^4 paths to the leaf, each its own property of the body.
    expect(changes.map((c) => c.pointer))
      .to.have.length(16)
      .and.include('/a/b/a/b')
      .and.include('/b/b/b/b');
    expect(new Set(changes.map((c) => c.kind))).to.deep.equal(new Set(['constraint-tightened']));
  });

  it('a change under 30 levels: the walk stops at 100,000 steps, in one line', () => {
    const tightened = fanOut(30, 'properties', { type: 'string', maxLength: 3 });
    expect(() => compare(fanOut(30, 'properties'), tightened)).to.throw(
      SchemaShapeError,
      /^the schemas fan out past 100000 comparisons \(the same \$refs at every level\?\): drift stopped at property \/[ab/]+$/,
    );
  });
});
