// RFC 6901 JSON Pointers: the one way findings say where.

export const escapeToken = (token: string | number): string =>
  String(token).replaceAll('~', '~0').replaceAll('/', '~1');

export const unescapeToken = (token: string): string => token.replaceAll('~1', '/').replaceAll('~0', '~');

export const toPointer = (tokens: readonly (string | number)[]): string =>
  tokens.map((t) => `/${escapeToken(t)}`).join('');

export const parsePointer = (pointer: string): string[] => {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) throw new Error(`not a JSON Pointer: ${JSON.stringify(pointer)}`);
  return pointer.slice(1).split('/').map(unescapeToken);
};

export const appendPointer = (pointer: string, token: string | number): string =>
  `${pointer}/${escapeToken(token)}`;

/**
 * Pact reports body mismatches with JSONPath-like paths (`$.owner.user['added_at']`, `$.items[0]`);
 * findings speak JSON Pointer, so convert. `$` alone is the root, `""`; so is `/`, Pact's path for a
 * mismatch of the whole body (one that is empty, or should be).
 */
export const fromPactPath = (path: string): string => {
  if (path === '/') return '';
  const body = path.startsWith('$') ? path.slice(1) : path;
  const tokens: string[] = [];
  const pattern = /\.([^.[\]]+)|\[(\d+)\]|\['((?:[^'\\]|\\.)*)'\]|\["((?:[^"\\]|\\.)*)"\]/gy;
  let match: RegExpExecArray | null = pattern.exec(body);
  let consumed = 0;
  while (match !== null) {
    tokens.push(match[1] ?? match[2] ?? match[3] ?? match[4] ?? '');
    consumed = pattern.lastIndex;
    match = pattern.exec(body);
  }
  if (consumed !== body.length) return toPointer([...tokens, body.slice(consumed)]);
  return toPointer(tokens);
};

/** The value at `pointer` in `value`, or undefined when the path does not exist. */
export const valueAt = (value: unknown, pointer: string): unknown => {
  let current: unknown = value;
  for (const token of parsePointer(pointer)) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[token];
  }
  return current;
};
