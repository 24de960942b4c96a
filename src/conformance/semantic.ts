import type { Finding } from '../core/finding.ts';
import { isJsonObject } from '../core/json.ts';
import { appendPointer, toPointer } from '../core/pointer.ts';
import { truncationMark } from '../core/truncate.ts';
import { componentOfRef, type OpenApiDocument, type SchemaObject } from '../openapi/document.ts';
import {
  findSecretKeys,
  isKeyCharacter,
  keyPrefixOf,
  looksLikeKey,
  looksLikeSecretKey,
} from '../secrets/patterns.ts';

// What the schema cannot say about a retrieved key. Pure: a body in, findings out.

/** The owner sub-objects the document declares next to `owner.type` (`user`, `service_account`). */
export const ownerKinds = (document: OpenApiDocument): string[] => {
  const key = document.components?.schemas?.ProjectApiKey as SchemaObject | undefined;
  const owner = (key?.properties as Record<string, SchemaObject> | undefined)?.owner;
  const properties = (owner?.properties ?? {}) as Record<string, SchemaObject>;
  return Object.keys(properties).filter((name) => name !== 'type' && componentOfRef(properties[name]?.$ref));
};

/** `owner.type` names the one owner object that is present. */
export const checkOwnerAgreement = (body: unknown, kinds: readonly string[]): Finding[] => {
  if (!isJsonObject(body) || !isJsonObject(body.owner)) return [];
  const owner = body.owner;
  const type = owner.type;
  // An owner.type outside the enum is the schema's finding; agreement is judged only between known kinds.
  if (typeof type !== 'string' || !kinds.includes(type)) return [];
  const present = kinds.filter((kind) => owner[kind] !== undefined && owner[kind] !== null);
  const findings: Finding[] = [];
  if (!present.includes(type)) {
    findings.push({
      pointer: appendPointer('/owner', type),
      keyword: 'ownerAgreement',
      message: `owner.type is "${type}" but owner.${type} is missing`,
      severity: 'error',
    });
  }
  for (const kind of present) {
    if (kind !== type) {
      findings.push({
        pointer: appendPointer('/owner', kind),
        keyword: 'ownerAgreement',
        message: `owner.${kind} is present but owner.type is ${JSON.stringify(type)}`,
        severity: 'error',
      });
    }
  }
  return findings;
};

/** The owner a key was given as: its `owner.type`, and the flag (with what it names) that gave its id. */
export interface AskedOwner {
  type: string;
  flag: string;
  label: string;
}

/**
 * The key's `owner.type` is the owner its flag names: a user's key given as `--service-account-key-id`
 * (the two ids swapped) is sound in itself, and only this says which flag is wrong.
 */
export function checkOwnerAsked(body: unknown, kinds: readonly string[], asked: AskedOwner): Finding[] {
  if (!isJsonObject(body) || !isJsonObject(body.owner)) return [];
  const type = body.owner.type;
  // Another kind the document knows: an unknown one is the schema's finding.
  if (typeof type !== 'string' || type === asked.type || !kinds.includes(type)) return [];
  return [
    {
      pointer: '/owner/type',
      keyword: 'ownerType',
      message: `owner.type is ${JSON.stringify(type)}, but this key was given as ${asked.flag}, which names a ${asked.label}: were the ids of --user-key-id and --service-account-key-id swapped?`,
      severity: 'error',
    },
  ];
}

/** The key returned is the key asked for. */
export const checkIdentity = (body: unknown, requestedKeyId: string): Finding[] => {
  if (!isJsonObject(body) || body.id === undefined || body.id === requestedKeyId) return [];
  return [
    {
      pointer: '/id',
      keyword: 'identity',
      message: `id is ${JSON.stringify(body.id)} but key ${JSON.stringify(requestedKeyId)} was requested`,
      severity: 'error',
    },
  ];
};

/** The real service shows the first 8 and last 4 characters of a key; a redacted value shows no more. */
export const MAX_UNMASKED_KEY_CHARACTERS = 12;

/** Key characters a value shows, beyond the `sk-`/`sk-proj-` prefix that says only what kind of key it is. */
const unmaskedKeyCharacters = (value: string): number => {
  let shown = 0;
  for (let i = keyPrefixOf(value).length; i < value.length; i++)
    if (isKeyCharacter(value.charCodeAt(i))) shown++;
  return shown;
};

const redactionFinding = (severity: Finding['severity'], message: string): Finding => ({
  pointer: '/redacted_value',
  keyword: 'redaction',
  message,
  severity,
});

/** Characters of a value that is not a key a finding quotes: enough to recognise it. */
const QUOTED_CHARS = 80;

/** A value as JSON, its head only when long, with its length. */
function quoted(value: string): string {
  // Cut by the escaped form, whole escapes only: 80 control characters would otherwise quote as 480.
  let escaped = '';
  let taken = 0;
  for (const character of value.slice(0, QUOTED_CHARS)) {
    const shown = JSON.stringify(character).slice(1, -1);
    if (escaped.length + shown.length > QUOTED_CHARS) break;
    escaped += shown;
    taken += character.length;
  }
  if (taken === value.length) return `"${escaped}"`;
  return `"${escaped}"${truncationMark({ count: value.length, unit: 'characters' })}`;
}

/**
 * `redacted_value` is judged by how much of the key it shows, not by whether a mask character is
 * present: a whole key with `*` or `...` appended is still a whole key. A value not shaped like a key
 * at all (prose) leaks no key: it is only odd, and quoted as it is.
 */
const checkRedactedValue = (value: string): Finding[] => {
  if (!looksLikeKey(value)) {
    return [
      redactionFinding(
        'warning',
        `redacted_value does not look like a redacted key: ${quoted(value)} has no sk- prefix and characters no key has, so it is not judged as one`,
      ),
    ];
  }
  const shown = unmaskedKeyCharacters(value);
  let masked = false;
  for (let i = 0; i < value.length && !masked; i++) masked = !isKeyCharacter(value.charCodeAt(i));
  if (shown > MAX_UNMASKED_KEY_CHARACTERS) {
    const whole = looksLikeSecretKey(value) ? ': it looks like a whole secret key' : '';
    return [
      redactionFinding(
        'error',
        `redacted_value is not redacted${whole}: ${shown} key characters are unmasked (${value.length} characters${masked ? '' : ', no mask'}); a redacted key shows at most ${MAX_UNMASKED_KEY_CHARACTERS} (the real service: the first 8 and the last 4)`,
      ),
    ];
  }
  if (!masked) {
    return [
      redactionFinding(
        'warning',
        'redacted_value shows no masking (`*` or `...`); check that it cannot be a secret',
      ),
    ];
  }
  return [];
};

/** Findings of one kind per body: past this many, one more finding says how many were left out. */
export const MAX_FINDINGS_PER_KIND = 20;

interface Place {
  parent: Place | undefined;
  token: string | number;
}

/** The pointer of a place, built only when a finding needs it: depth costs nothing until then. */
const pointerOf = (place: Place | undefined): string => {
  const tokens: (string | number)[] = [];
  for (let at = place; at !== undefined; at = at.parent) tokens.push(at.token);
  return toPointer(tokens.reverse());
};

/** Every string in a body, property names included, with its place; iterative, so depth costs no stack. */
const stringsOf = function* (
  body: unknown,
): Generator<{ place: Place | undefined; text: string; name: boolean }> {
  const pending: { place: Place | undefined; value: unknown }[] = [{ place: undefined, value: body }];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const { place, value } = next;
    if (typeof value === 'string') yield { place, text: value, name: false };
    else if (Array.isArray(value)) {
      for (let i = value.length - 1; i >= 0; i--)
        pending.push({ place: { parent: place, token: i }, value: value[i] });
    } else if (isJsonObject(value)) {
      for (const [name, item] of Object.entries(value)) {
        const at = { parent: place, token: name };
        yield { place: at, text: name, name: true };
        pending.push({ place: at, value: item });
      }
    }
  }
};

/** A key-looking secret anywhere but `redacted_value` (a `name`, an owner's field): a warning at its pointer. */
const checkSecretsElsewhere = (body: unknown): Finding[] => {
  const findings: Finding[] = [];
  let found = 0;
  for (const { place, text, name } of stringsOf(body)) {
    if (!name && place?.parent === undefined && place?.token === 'redacted_value') continue;
    const keys = findSecretKeys(text);
    const first = keys[0];
    if (first === undefined) continue;
    found += 1;
    if (found > MAX_FINDINGS_PER_KIND) continue;
    const more = keys.length > 1 ? ` and ${keys.length - 1} more` : '';
    findings.push({
      // A property name is shown by its object's pointer: the name itself is what must not be repeated.
      pointer: pointerOf(name ? place?.parent : place),
      keyword: 'secretInBody',
      // Never the key itself: its kind and length are enough to find it.
      message: `${name ? 'a property name' : 'the value'} holds what looks like a secret key (${keyPrefixOf(first.key)}…, ${first.key.length} characters${more}); only redacted_value may show a key, and only masked`,
      severity: 'warning',
    });
  }
  if (found > MAX_FINDINGS_PER_KIND) {
    findings.push({
      pointer: '',
      keyword: 'secretInBody',
      message: `${found - MAX_FINDINGS_PER_KIND} more strings hold what looks like a secret key (${found} in all)`,
      severity: 'warning',
    });
  }
  return findings;
};

/** Nothing secret in a key body: `redacted_value` is really redacted, and no other field holds a key. */
export const checkRedaction = (body: unknown): Finding[] => {
  if (!isJsonObject(body)) return [];
  return [
    ...(typeof body.redacted_value === 'string' ? checkRedactedValue(body.redacted_value) : []),
    ...checkSecretsElsewhere(body),
  ];
};
