import type { Finding } from '../finding.ts';
import { isJsonObject } from '../json.ts';
import { appendPointer } from '../pointer.ts';
import { componentOfRef, type OpenApiDocument, type SchemaObject } from '../spec/document.ts';

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

// A whole secret key: `sk-` then an optional kind (`proj-`, `admin-`, `svcacct-`) and a long run of key characters.
const WHOLE_KEY = /^sk-(?:[a-z]+-)?[A-Za-z0-9_-]{20,}$/;
const MASK = /[*•…]|\.\.\./;

/** `redacted_value` is redacted: a value that looks like a whole secret key is a leak. */
export const checkRedaction = (body: unknown): Finding[] => {
  if (!isJsonObject(body) || typeof body.redacted_value !== 'string') return [];
  const value = body.redacted_value;
  if (MASK.test(value)) return [];
  if (WHOLE_KEY.test(value)) {
    return [
      {
        pointer: '/redacted_value',
        keyword: 'redaction',
        message: `redacted_value is not redacted: it looks like a whole secret key (${value.length} characters, no mask)`,
        severity: 'error',
      },
    ];
  }
  return [
    {
      pointer: '/redacted_value',
      keyword: 'redaction',
      message: 'redacted_value shows no masking (`*` or `...`); check that it cannot be a secret',
      severity: 'warning',
    },
  ];
};
