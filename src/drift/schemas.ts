import { isDeepStrictEqual } from 'node:util';
import { appendPointer } from '../core/pointer.ts';
import type { OpenApiDocument } from '../openapi/document.ts';
import { type Change, change } from './change.ts';
import { compareConstraints } from './constraints.ts';
import type { ChangeKind, Side } from './rules.ts';
import { describeShape, type Shape, shapeOf } from './shape.ts';

// What changed between two schemas of one message, and whom each change breaks. 3.0 and 3.1 in any mix:
// the schemas are compared as shapes (shape.ts), their narrowing keywords as constraints (constraints.ts).

/** Where a part of a message is, for the change's words: `property /owner/user/added_at`, `the body`. */
export type Place = (pointer: string) => string;

/** What stays the same through one comparison: the two documents, the message's side, its words. */
export interface Walk {
  documents: { from: OpenApiDocument; to: OpenApiDocument };
  side: Side;
  place: Place;
}

/** The node being compared: its pointer, and the `$ref` pairs above it (a recursive schema is walked once). */
interface Node {
  pointer: string;
  pairs: readonly string[];
}

const list = (values: readonly unknown[]): string => values.map((v) => JSON.stringify(v)).join(', ');
const typesText = (shape: Shape): string => (shape.types.length === 0 ? 'any' : shape.types.join(' | '));

const MOVES: Record<string, ChangeKind> = {
  tightened: 'constraint-tightened',
  loosened: 'constraint-loosened',
  changed: 'constraint-changed',
  default: 'default-changed',
};

/**
 * The changes between schema `from` (in the old document) and `to` (in the new). `nullableSeen`: the
 * caller compared null already (a branch matched against a whole schema).
 */
export function compareSchemas(
  from: unknown,
  to: unknown,
  walk: Walk,
  pointer: string,
  pairs: readonly string[] = [],
  nullableSeen = false,
): Change[] {
  const a = shapeOf(from, walk.documents.from);
  const b = shapeOf(to, walk.documents.to);
  const pair = `${a.refs.at(-1) ?? ''}→${b.refs.at(-1) ?? ''}`;
  if (pair !== '→' && pairs.includes(pair)) return [];
  const node: Node = { pointer, pairs: pair === '→' ? pairs : [...pairs, pair] };
  const changes = nullableSeen ? [] : nullableChanges(a, b, walk, pointer);
  // Either side a choice of branches: the branches carry the types, values and constraints.
  if (a.branches || b.branches) {
    changes.push(...branchChanges({ schema: from, shape: a }, { schema: to, shape: b }, walk, node));
    if (a.branches && b.branches) changes.push(...surroundingChanges(a, b, walk, node));
    return changes;
  }
  changes.push(...valueChanges(a, b, walk, pointer), ...surroundingChanges(a, b, walk, node));
  return changes;
}

function nullableChanges(a: Shape, b: Shape, walk: Walk, pointer: string): Change[] {
  if (a.nullable === b.nullable) return [];
  const at = { side: walk.side, pointer, keyword: 'nullable' };
  const here = walk.place(pointer);
  return [
    b.nullable
      ? change('nullable-added', at, false, true, `${here} may now be null`)
      : change('nullable-removed', at, true, false, `${here} may no longer be null`),
  ];
}

/** The type, the enum and the format: what kind of value this is. */
function valueChanges(a: Shape, b: Shape, walk: Walk, pointer: string): Change[] {
  const here = walk.place(pointer);
  const at = (keyword: string) => ({ side: walk.side, pointer, keyword });
  const changes: Change[] = [];
  const sameTypes = a.types.length === b.types.length && a.types.every((t) => b.types.includes(t));
  if (!sameTypes) {
    const [was, is] = [typesText(a), typesText(b)];
    changes.push(change('type-changed', at('type'), was, is, `${here}: type ${was} → ${is}`));
  }
  if (a.enum && b.enum) {
    const added = b.enum.filter((v) => !a.enum?.includes(v));
    const removed = a.enum.filter((v) => !b.enum?.includes(v));
    if (added.length > 0)
      changes.push(
        change('enum-value-added', at('enum'), a.enum, b.enum, `${here}: new value ${list(added)}`),
      );
    if (removed.length > 0)
      changes.push(
        change('enum-value-removed', at('enum'), a.enum, b.enum, `${here}: value ${list(removed)} removed`),
      );
  } else if (a.enum) {
    const fact = `${here}: no longer an enum, any ${typesText(b)} allowed (was ${list(a.enum)})`;
    changes.push(change('enum-removed', at('enum'), a.enum, null, fact));
  } else if (b.enum) {
    changes.push(change('enum-added', at('enum'), null, b.enum, `${here}: now only ${list(b.enum)}`));
  }
  if (a.format !== b.format) {
    const [was, is] = [a.format ?? null, b.format ?? null];
    changes.push(
      change('format-changed', at('format'), was, is, `${here}: format ${was ?? 'none'} → ${is ?? 'none'}`),
    );
  }
  return changes;
}

/** The constraints, then what is inside: properties, any other property, items. */
function surroundingChanges(a: Shape, b: Shape, walk: Walk, node: Node): Change[] {
  const changes = constraintChanges(a, b, walk, node.pointer);
  if (a.types.includes('object') && b.types.includes('object')) {
    changes.push(...propertyChanges(a, b, walk, node));
    const [was, is] = [a.constraints.additionalProperties, b.constraints.additionalProperties];
    if (typeof was === 'object' && typeof is === 'object') {
      const at = appendPointer(node.pointer, 'additionalProperties');
      changes.push(...compareSchemas(was, is, walk, at, node.pairs));
    }
  }
  if (a.types.includes('array') && b.types.includes('array') && a.items && b.items) {
    changes.push(...compareSchemas(a.items, b.items, walk, appendPointer(node.pointer, 0), node.pairs));
  }
  return changes;
}

function constraintChanges(a: Shape, b: Shape, walk: Walk, pointer: string): Change[] {
  const here = walk.place(pointer);
  const moves = compareConstraints(a.constraints, b.constraints, { from: a.types, to: b.types });
  return moves.map(({ keyword, direction, from, to, said }) =>
    change(
      MOVES[direction] as ChangeKind,
      { side: walk.side, pointer, keyword },
      from,
      to,
      `${here}: ${said}`,
    ),
  );
}

/** The declared properties, by name: removed, added (optional or required), or compared inside. */
function propertyChanges(a: Shape, b: Shape, walk: Walk, node: Node): Change[] {
  const changes: Change[] = [];
  const before = new Map(a.properties);
  const after = new Map(b.properties);
  const names = [...before.keys(), ...[...after.keys()].filter((name) => !before.has(name))];
  for (const name of names) {
    const pointer = appendPointer(node.pointer, name);
    const [here, old, now] = [walk.place(pointer), before.get(name), after.get(name)];
    const at = (keyword: string) => ({ side: walk.side, pointer, keyword });
    if (now === undefined) {
      const shape = describeShape(shapeOf(old, walk.documents.from));
      changes.push(change('property-removed', at('properties'), shape, null, `${here} (${shape}) removed`));
    } else if (old === undefined) {
      const shape = describeShape(shapeOf(now, walk.documents.to));
      changes.push(
        b.required.includes(name)
          ? change('required-added', at('required'), null, shape, `new required ${here} (${shape})`)
          : change('property-added', at('properties'), null, shape, `new optional ${here} (${shape})`),
      );
    } else {
      const [was, is] = [a.required.includes(name), b.required.includes(name)];
      if (!was && is)
        changes.push(change('required-added', at('required'), false, true, `${here} now required`));
      if (was && !is)
        changes.push(change('required-removed', at('required'), true, false, `${here} no longer required`));
      changes.push(...compareSchemas(old, now, walk, pointer, node.pairs));
    }
  }
  return changes;
}

/** One choice of an `anyOf`/`oneOf`, or a whole schema standing as the only choice. */
interface Branch {
  schema: unknown;
  pointer: string;
  /** `oneOf branch 1`, or `the schema` for a whole schema. */
  name: string;
}

function branchesOf(side: { schema: unknown; shape: Shape }, pointer: string): Branch[] {
  const { branches } = side.shape;
  if (!branches) return [{ schema: side.schema, pointer, name: 'the schema' }];
  return branches.schemas.map(([index, schema]) => ({
    schema,
    pointer: appendPointer(appendPointer(pointer, branches.keyword), index),
    name: `${branches.keyword} branch ${index}`,
  }));
}

const refOf = (schema: unknown): unknown => (schema as { $ref?: unknown } | null)?.$ref;

/**
 * Which old branch is which new one: the same `$ref`, else an equal schema, else the same types, each
 * in order. The rest were removed or added.
 */
function pairBranches(before: Branch[], after: Branch[], walk: Walk): Map<Branch, Branch> {
  const pairs = new Map<Branch, Branch>();
  const typesOf = (branch: Branch, document: OpenApiDocument) => typesText(shapeOf(branch.schema, document));
  const tests: ((old: Branch, now: Branch) => boolean)[] = [
    (old, now) => typeof refOf(old.schema) === 'string' && refOf(old.schema) === refOf(now.schema),
    (old, now) => isDeepStrictEqual(old.schema, now.schema),
    (old, now) => typesOf(old, walk.documents.from) === typesOf(now, walk.documents.to),
  ];
  for (const same of tests) {
    for (const old of before.filter((branch) => !pairs.has(branch))) {
      const taken = new Set(pairs.values());
      const now = after.find((branch) => !taken.has(branch) && same(old, branch));
      if (now) pairs.set(old, now);
    }
  }
  return pairs;
}

/**
 * `anyOf`/`oneOf` on either side: branches removed and added, and what changed inside the ones that match.
 * A plain schema against branches is one branch. Tightening a branch narrows the whole (for `oneOf`, a
 * value that matched two branches and was invalid may now match one: that loosening is not told).
 */
function branchChanges(
  from: { schema: unknown; shape: Shape },
  to: { schema: unknown; shape: Shape },
  walk: Walk,
  node: Node,
): Change[] {
  const [before, after] = [branchesOf(from, node.pointer), branchesOf(to, node.pointer)];
  const pairs = pairBranches(before, after, walk);
  const keyword = (to.shape.branches ?? from.shape.branches)?.keyword as string;
  const here = walk.place(node.pointer);
  const changes: Change[] = [];
  const [was, is] = [from.shape.branches?.keyword, to.shape.branches?.keyword];
  if (was && is && was !== is) {
    // anyOf lets a value match several branches; oneOf exactly one.
    const kind = is === 'anyOf' ? 'constraint-loosened' : 'constraint-tightened';
    changes.push(
      change(
        kind,
        { side: walk.side, pointer: node.pointer, keyword: is },
        was,
        is,
        `${here}: ${was} → ${is}`,
      ),
    );
  }
  const matched = new Set(pairs.values());
  for (const old of before.filter((branch) => !pairs.has(branch))) {
    const shape = describeShape(shapeOf(old.schema, walk.documents.from));
    const at = { side: walk.side, pointer: old.pointer, keyword: was ?? keyword };
    changes.push(change('branch-removed', at, shape, null, `${here}: ${old.name} (${shape}) removed`));
  }
  for (const now of after) {
    const old = [...pairs].find(([, paired]) => paired === now)?.[0];
    if (old) {
      changes.push(...compareSchemas(old.schema, now.schema, walk, now.pointer, node.pairs, true));
    } else if (!matched.has(now)) {
      const shape = describeShape(shapeOf(now.schema, walk.documents.to));
      const at = { side: walk.side, pointer: now.pointer, keyword: is ?? keyword };
      changes.push(change('branch-added', at, null, shape, `${here}: new ${now.name} (${shape})`));
    }
  }
  return changes;
}
