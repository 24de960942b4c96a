import { toPointer } from '../core/pointer.ts';

// What a document may cost before anything walks it. js-yaml parses in time linear in the text: an alias
// becomes a second reference to its anchor's value, nothing is copied. Everything after (ajv, drift, the
// reports) walks the value as the tree it stands for, every alias expanded: a 1.6 KB alias bomb is then
// hundreds of millions of values, and an anchor that holds itself never ends. So the budget is counted on
// that tree, once, iteratively: its values, its nesting and no value inside itself. It holds JSON alike.

/** The most bytes a document's text may have: far above a real API's whole document (a few MB). */
export const MAX_DOCUMENT_BYTES = 32 * 1024 * 1024;

/** The most nesting levels a document may have; walkers that recurse stay far from the stack's end. */
export const MAX_NESTING = 100;

/**
 * The most values (objects, arrays, scalars) a document of `textLength` characters may expand to: a
 * text without aliases holds at most one per character, so four allow some reuse, and a bomb, which
 * multiplies, is caught while small. Never under 100,000 nor over 4,000,000.
 */
export const maxValuesFor = (textLength: number): number =>
  Math.min(4_000_000, Math.max(100_000, 4 * textLength));

interface Frame {
  value: unknown;
  key: string;
  depth: number;
}

/** Why `root`, read with every alias expanded, is over the budget; undefined when it is within. */
export function budgetProblem(root: unknown, maxValues: number): string | undefined {
  // Depth-first with explicit exit marks: `trail` holds the keys of the objects the value being read is
  // in (the root's first, ''), `inside` those objects, so a value met again inside itself is a cycle, not a repetition.
  const stack: (Frame | object)[] = [{ value: root, key: '', depth: 0 }];
  const trail: string[] = [];
  const inside = new Set<object>();
  let values = 0;
  while (stack.length > 0) {
    const frame = stack.pop() as Frame | { exit: object };
    if ('exit' in frame) {
      inside.delete(frame.exit);
      trail.pop();
      continue;
    }
    const { value, key, depth } = frame;
    values++;
    if (values > maxValues) {
      return `it expands to more than ${maxValues} values (YAML aliases that multiply, an alias bomb?) by ${at(trail, key, depth)}`;
    }
    if (value === null || typeof value !== 'object') continue;
    if (inside.has(value)) return `a YAML anchor holds itself (a cycle) at ${at(trail, key, depth)}`;
    if (depth > MAX_NESTING) return `it nests deeper than ${MAX_NESTING} levels at ${at(trail, key, depth)}`;
    inside.add(value);
    trail.push(key);
    stack.push({ exit: value });
    const entries = Object.entries(value);
    for (let i = entries.length - 1; i >= 0; i--) {
      const [name, child] = entries[i] as [string, unknown];
      stack.push({ value: child, key: name, depth: depth + 1 });
    }
  }
  return undefined;
}

const at = (trail: readonly string[], key: string, depth: number): string =>
  depth === 0 ? '(root)' : toPointer([...trail.slice(1), key]);
