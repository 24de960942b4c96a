/** A JSON object (not null, not an array): what bodies, documents and pacts are read as. */
export const isJsonObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

/**
 * How deep outside JSON (a pact, a broker's answer, a provider's body) may nest: as deep as the official
 * Pact verifier reads a pact (128 levels fail there), and far deeper than any of them needs. Code that
 * walks outside data recursively is given nothing deeper, so no walk can exhaust the call stack.
 */
export const MAX_JSON_DEPTH = 127;

/**
 * Whether `value` nests arrays and objects more than `max` levels deep (`[]` is one level, `[[]]` two).
 * Iterative, so any depth costs no call stack; it stops at the first container too deep.
 */
export function nestedDeeperThan(value: unknown, max: number = MAX_JSON_DEPTH): boolean {
  const pending: [unknown, number][] = [[value, 0]];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const [item, depth] = next;
    if (item === null || typeof item !== 'object') continue;
    if (depth >= max) return true;
    for (const child of Array.isArray(item) ? item : Object.values(item)) {
      if (child !== null && typeof child === 'object') pending.push([child, depth + 1]);
    }
  }
  return false;
}
