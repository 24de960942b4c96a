import type { Finding } from '../core/finding.ts';
import { isJsonObject } from '../core/json.ts';
import { appendPointer } from '../core/pointer.ts';
import { truncateText } from '../core/truncate.ts';

// What a list shows must be retrievable, and the same (Schemathesis's "ensure resource availability"): a
// retrieved key against its list entry, field by field. Only `last_used_at` may differ, and only forward:
// the key may have been used between the list and the retrieve. Pure, iterative, bounded in depth.

/** Nesting compared; a key body is four levels deep, so anything past this is a provider's hostile data. */
export const MAX_COMPARED_DEPTH = 32;
/** Differences named per key; the rest are counted in one more finding. */
export const MAX_DIFFERENCES_PER_KEY = 10;

/** The one field allowed to change between the list and the retrieve, and only forward. */
const LAST_USED_AT = '/last_used_at';

const shown = (value: unknown): string =>
  value === undefined ? 'absent' : truncateText(JSON.stringify(value) ?? String(value), 80);

const difference = (pointer: string, message: string): Finding => ({
  pointer,
  keyword: 'listAgreement',
  message,
  severity: 'error',
});

/** `last_used_at` moving forward (or from never to a time) is use, not disagreement. */
const movedForward = (listed: unknown, retrieved: unknown): boolean =>
  (listed === null && typeof retrieved === 'number') ||
  (typeof listed === 'number' && typeof retrieved === 'number' && retrieved >= listed);

/** Where two values differ, if they do: a message, or undefined when they agree (or nest further). */
function leafDifference(pointer: string, listed: unknown, retrieved: unknown): string | undefined {
  if (pointer === LAST_USED_AT && movedForward(listed, retrieved)) return undefined;
  if (listed === undefined) return `retrieved ${shown(retrieved)}, but the list entry has no such property`;
  if (retrieved === undefined)
    return `the list shows ${shown(listed)}, but the retrieved key has no such property`;
  if (pointer === LAST_USED_AT) {
    return `last_used_at went back from ${shown(listed)} in the list to ${shown(retrieved)} retrieved: it may only move forward`;
  }
  return `retrieved ${shown(retrieved)}, the list shows ${shown(listed)}`;
}

/**
 * The retrieved body against its list entry: one error per difference at its pointer, `last_used_at`
 * excepted while it moves forward. Both are JSON as parsed; nothing is followed past MAX_COMPARED_DEPTH.
 */
export function compareWithListEntry(listed: unknown, retrieved: unknown): Finding[] {
  const findings: Finding[] = [];
  let differences = 0;
  const pending: { pointer: string; listed: unknown; retrieved: unknown; depth: number }[] = [
    { pointer: '', listed, retrieved, depth: 0 },
  ];
  const note = (pointer: string, message: string) => {
    differences++;
    if (findings.length < MAX_DIFFERENCES_PER_KEY) findings.push(difference(pointer, message));
  };
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const { pointer, depth } = next;
    const bothObjects = isJsonObject(next.listed) && isJsonObject(next.retrieved);
    const bothArrays = Array.isArray(next.listed) && Array.isArray(next.retrieved);
    if (!bothObjects && !bothArrays) {
      if (Object.is(next.listed, next.retrieved)) continue;
      const message = leafDifference(pointer, next.listed, next.retrieved);
      if (message) note(pointer, message);
      continue;
    }
    if (depth >= MAX_COMPARED_DEPTH) {
      note(pointer, `nested deeper than ${MAX_COMPARED_DEPTH} levels: not compared`);
      continue;
    }
    const a = next.listed as Record<string, unknown>;
    const b = next.retrieved as Record<string, unknown>;
    const names = new Set([...Object.keys(a), ...Object.keys(b)]);
    // Reversed onto the stack, so differences come out in the body's own order.
    for (const name of [...names].reverse()) {
      pending.push({
        pointer: appendPointer(pointer, name),
        listed: Object.hasOwn(a, name) ? a[name] : undefined,
        retrieved: Object.hasOwn(b, name) ? b[name] : undefined,
        depth: depth + 1,
      });
    }
  }
  if (differences > findings.length) {
    findings.push(
      difference('', `${differences - findings.length} more differences (${differences} in all)`),
    );
  }
  return findings;
}
