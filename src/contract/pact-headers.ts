import { isJsonObject } from '../core/json.ts';

// Headers as pacts write them: a string per header (V2, V3), or a list of strings (V4).

/** The first value of a header. */
export function headerValue(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  return Array.isArray(value) && typeof value[0] === 'string' ? value[0] : undefined;
}

/** A request's or response's headers by lower-case name: the name as the pact spells it, and its first value. */
export function headersOf(
  side: Record<string, unknown>,
): Map<string, { spelt: string; value: string | undefined }> {
  const headers = isJsonObject(side.headers) ? side.headers : {};
  return new Map(
    Object.entries(headers).map(([spelt, value]) => [
      spelt.toLowerCase(),
      { spelt, value: headerValue(value) },
    ]),
  );
}
