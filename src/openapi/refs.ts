import { isJsonObject } from '../core/json.ts';
import { parsePointer, toPointer } from '../core/pointer.ts';

// A document's `$ref`s, checked once when it is loaded, so nothing after follows one into a file, a URL,
// a loop or a stack overflow: every ref points within the document (nothing outside it is read or
// fetched), at something there; no ref leads back to itself without going into a property or an item
// (validating would never end); and the refs, with the nesting between them, go no deeper than a
// walker can recurse. Runs on a value within budget.ts's budget: a finite tree, aliases aside.

/**
 * How deep a walk that follows refs may go, each nesting level and each ref one step: ajv compiles a
 * schema with its refs' schemas inside that call, several frames a step.
 */
export const MAX_REF_DEPTH = 200;

/** Keywords whose values are data, not document: a `$ref` there is an example's text. */
const DATA_KEYWORDS = new Set(['example', 'enum', 'const', 'default']);

/** Maps whose keys are names (of properties, components, statuses...): a name is never a keyword. */
const NAME_MAPS = new Set([
  'properties',
  'patternProperties',
  '$defs',
  'definitions',
  'dependentSchemas',
  'schemas',
  'responses',
  'parameters',
  'examples',
  'requestBodies',
  'headers',
  'securitySchemes',
  'links',
  'callbacks',
  'pathItems',
  'paths',
  'content',
  'encoding',
  'webhooks',
]);

/** Where a value is: the key it has in its parent, and where that parent is (a chain, built once). */
interface Place {
  key: string;
  parent?: Place;
}

function tokensOf(place: Place | undefined): string[] {
  const tokens: string[] = [];
  for (let at = place; at?.parent; at = at.parent) tokens.unshift(at.key);
  return tokens;
}

interface Holder {
  value: Record<string, unknown>;
  place: Place;
}

/** Each object holding a `$ref`, with where it is; and each `$anchor` named. */
function refHolders(document: unknown): { holders: Holder[]; anchors: Set<string> } {
  const holders: Holder[] = [];
  const anchors = new Set<string>();
  const stack: { value: unknown; place: Place }[] = [{ value: document, place: { key: '' } }];
  while (stack.length > 0) {
    const { value, place } = stack.pop() as { value: unknown; place: Place };
    if (value === null || typeof value !== 'object') continue;
    const inNames = place.parent !== undefined && NAME_MAPS.has(place.key);
    const array = Array.isArray(value);
    if (!array && !inNames) {
      const object = value as Record<string, unknown>;
      if (typeof object.$ref === 'string') holders.push({ value: object, place });
      if (typeof object.$anchor === 'string') anchors.add(object.$anchor);
    }
    for (const key in value) {
      if (!array && !inNames && (DATA_KEYWORDS.has(key) || key.startsWith('x-'))) continue;
      const child = (value as Record<string, unknown>)[key];
      if (child !== null && typeof child === 'object')
        stack.push({ value: child, place: { key, parent: place } });
    }
  }
  return { holders, anchors };
}

/** The value a local ref names, own properties only; undefined when it names nothing. */
function targetOf(document: unknown, ref: string): unknown {
  let tokens: string[];
  try {
    tokens = parsePointer(decodeURIComponent(ref.slice(1)));
  } catch {
    return undefined;
  }
  let current = document;
  for (const token of tokens) {
    if (current === null || typeof current !== 'object' || !Object.hasOwn(current, token)) return undefined;
    current = (current as Record<string, unknown>)[token];
  }
  return current;
}

/** Why the document's refs cannot be followed safely; undefined when they can. */
export function refProblem(document: unknown): string | undefined {
  const { holders, anchors } = refHolders(document);
  const targets = new Map<object, unknown>();
  for (const { value, place } of holders) {
    const ref = value.$ref as string;
    const where = `${JSON.stringify(ref)} at ${toPointer([...tokensOf(place), '$ref'])}`;
    if (!ref.startsWith('#')) {
      return `external $ref ${where}: only refs within the document (#/...) are followed; nothing was read or fetched`;
    }
    if (ref.length > 1 && !ref.startsWith('#/')) {
      if (!anchors.has(ref.slice(1))) return `$ref ${where} names no $anchor of the document`;
      continue;
    }
    const target = targetOf(document, ref);
    if (target === undefined) return `Can't resolve $ref ${where}: the document has nothing there`;
    targets.set(value, target);
  }
  return cycleProblem(targets, holders) ?? depthProblem(document, targets);
}

/** Keywords that apply another schema to the same value: a ref cycle through only these never ends. */
const SAME_VALUE = ['allOf', 'anyOf', 'oneOf', 'not', 'if', 'then', 'else'];

/** The schemas validating a value with `schema` applies to that same value. */
function sameValueSchemas(schema: unknown, targets: Map<object, unknown>): unknown[] {
  if (!isJsonObject(schema)) return [];
  const next: unknown[] = targets.has(schema) ? [targets.get(schema)] : [];
  for (const keyword of SAME_VALUE) {
    const applied = schema[keyword];
    if (Array.isArray(applied)) next.push(...applied);
    else if (isJsonObject(applied)) next.push(applied);
  }
  return next;
}

/** A ref cycle that never moves into a property or an item (`A: {$ref: A}`, or through allOf), named. */
function cycleProblem(targets: Map<object, unknown>, holders: Holder[]): string | undefined {
  // Depth-first over same-value edges only: any cycle there is one. `path` holds the schemas being read.
  const done = new Set<unknown>();
  const refOf = new Map<unknown, string>(holders.map(({ value }) => [value, value.$ref as string]));
  for (const { value: start } of holders) {
    if (done.has(start)) continue;
    const path: unknown[] = [];
    const onPath = new Set<unknown>();
    const stack: { schema: unknown; exit?: true }[] = [{ schema: start }];
    while (stack.length > 0) {
      const { schema, exit } = stack.pop() as { schema: unknown; exit?: true };
      if (exit) {
        onPath.delete(schema);
        path.pop();
        done.add(schema);
        continue;
      }
      if (onPath.has(schema)) {
        const loop = path.slice(path.indexOf(schema)).flatMap((s) => refOf.get(s) ?? []);
        return `$ref cycle with nothing between: ${[...loop, loop[0]].join(' → ')}`;
      }
      if (done.has(schema)) continue;
      onPath.add(schema);
      path.push(schema);
      stack.push({ schema, exit: true });
      for (const next of sameValueSchemas(schema, targets)) stack.push({ schema: next });
    }
  }
  return undefined;
}

/** The objects inside `node`, and the one its `$ref` names. */
function childrenOf(node: object, targets: Map<object, unknown>): object[] {
  const children: object[] = [];
  for (const child of Object.values(node))
    if (child !== null && typeof child === 'object') children.push(child);
  const target = targets.get(node);
  if (target !== null && typeof target === 'object') children.push(target);
  return children;
}

/** Refs, with the nesting between them, deeper than MAX_REF_DEPTH; a recursive schema's own loop is fine. */
function depthProblem(document: unknown, targets: Map<object, unknown>): string | undefined {
  // The height of each object (1 + its children's and its ref target's), each computed once, after its
  // children; an object met while it is still open is a recursion, which counts nothing more.
  const height = new Map<object, number>();
  const open = new Set<object>();
  const stack: { node: object; children?: object[] }[] = [];
  if (document !== null && typeof document === 'object') stack.push({ node: document });
  while (stack.length > 0) {
    const { node, children } = stack.pop() as { node: object; children?: object[] };
    if (children) {
      open.delete(node);
      let deepest = 0;
      for (const child of children) deepest = Math.max(deepest, height.get(child) ?? 0);
      if (deepest + 1 > MAX_REF_DEPTH) {
        const ref = targets.has(node) ? ` from ${JSON.stringify((node as { $ref: string }).$ref)}` : '';
        return `its refs nest deeper than ${MAX_REF_DEPTH} levels${ref} (a chain of refs?)`;
      }
      height.set(node, deepest + 1);
      continue;
    }
    if (height.has(node) || open.has(node)) continue;
    open.add(node);
    const next = childrenOf(node, targets);
    stack.push({ node, children: next });
    for (const child of next) if (!height.has(child) && !open.has(child)) stack.push({ node: child });
  }
  return undefined;
}
