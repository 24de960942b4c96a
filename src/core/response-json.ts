import type { Finding } from './finding.ts';
import { MAX_JSON_DEPTH, nestedDeeperThan } from './json.ts';
import { toPointer } from './pointer.ts';

// The one way a provider's body is read as JSON. JSON.parse keeps the last of two equal keys; other
// parsers keep the first, or fail. A body whose meaning depends on the parser is refused, naming the key.

/** Duplicate keys reported one by one; past this many, one more finding counts the rest. */
export const MAX_DUPLICATE_FINDINGS = 10;

export type ProviderJson = { ok: true; value: unknown } | { ok: false; findings: Finding[] };

type Frame =
  | { kind: 'object'; keys: Set<string>; key?: string; expectKey: boolean }
  | { kind: 'array'; index: number };

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/** The pointer of the object at the top of `stack`, from each enclosing container's current member. */
const pointerOf = (stack: readonly Frame[]): string =>
  toPointer(stack.slice(0, -1).map((frame) => (frame.kind === 'object' ? (frame.key ?? '') : frame.index)));

/**
 * The keys that appear twice in one object of `text` (already known to be JSON): the first `limit` with
 * their pointers, and how many there are in all. One pass over the characters with a stack of open
 * containers: linear in the text, and depth costs no call stack (a pointer, which costs the depth, is
 * built for the first `limit` only). Keys are compared as JSON.parse decodes them (`"\u0069d"` is `"id"`).
 */
export const duplicateKeys = (
  text: string,
  limit: number = MAX_DUPLICATE_FINDINGS,
): { found: { key: string; pointer: string }[]; total: number } => {
  const found: { key: string; pointer: string }[] = [];
  let total = 0;
  const stack: Frame[] = [];
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    const top = stack[stack.length - 1];
    if (code === QUOTE) {
      let end = i + 1;
      let escaped = false;
      for (; end < text.length; end++) {
        const c = text.charCodeAt(end);
        if (c === BACKSLASH) {
          escaped = true;
          end++;
        } else if (c === QUOTE) break;
      }
      if (top?.kind === 'object' && top.expectKey) {
        const raw = text.slice(i + 1, end);
        const key = escaped ? (JSON.parse(`"${raw}"`) as string) : raw;
        if (!top.keys.has(key)) top.keys.add(key);
        else if (total++ < limit) found.push({ key, pointer: `${pointerOf(stack)}${toPointer([key])}` });
        top.key = key;
        top.expectKey = false;
      }
      i = end;
    } else if (code === 0x7b /* { */) stack.push({ kind: 'object', keys: new Set(), expectKey: true });
    else if (code === 0x5b /* [ */) stack.push({ kind: 'array', index: 0 });
    else if (code === 0x7d /* } */ || code === 0x5d /* ] */) stack.pop();
    else if (code === 0x2c /* , */ && top) {
      if (top.kind === 'object') top.expectKey = true;
      else top.index += 1;
    }
  }
  return { found, total };
};

/**
 * `text` as JSON, or findings saying why it cannot be read: not JSON at all (`json`), nested deeper than
 * MAX_JSON_DEPTH (`depth`: no check walks it, so none can exhaust the stack), or an object with a key
 * twice (`duplicateKey`, at the second one's pointer). Messages quote nothing from the body but the
 * duplicated key, which reports redact and cut like any provider text.
 */
export const parseProviderJson = (text: string): ProviderJson => {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    // JSON.parse's own message quotes the body: never repeated.
    return {
      ok: false,
      findings: [{ pointer: '', keyword: 'json', message: 'body is not JSON', severity: 'error' }],
    };
  }
  if (value === null || typeof value !== 'object') return { ok: true, value };
  const duplicates = duplicateKeys(text);
  const deep = nestedDeeperThan(value);
  if (duplicates.total === 0 && !deep) return { ok: true, value };
  const findings: Finding[] = duplicates.found.map(({ key, pointer }) => ({
    pointer,
    keyword: 'duplicateKey',
    message: `key ${JSON.stringify(key)} appears twice in one object; JSON parsers disagree on which value wins, so the body means different things to different clients`,
    severity: 'error',
  }));
  if (duplicates.total > duplicates.found.length) {
    findings.push({
      pointer: '',
      keyword: 'duplicateKey',
      message: `${duplicates.total - duplicates.found.length} more duplicate keys (${duplicates.total} in all)`,
      severity: 'error',
    });
  }
  if (deep) {
    const message = `body nests more than ${MAX_JSON_DEPTH} levels deep; no check reads it`;
    findings.push({ pointer: '', keyword: 'depth', message, severity: 'error' });
  }
  return { ok: false, findings };
};
