import type { Finding } from '../core/finding.ts';
import { isJsonObject } from '../core/json.ts';
import { appendPointer } from '../core/pointer.ts';
import { truncateText } from '../core/truncate.ts';
import type { SchemaValidators } from '../openapi/validators.ts';
import { checkRedaction } from './semantic.ts';

// A page of "List project API keys" judged: against the list response's schema, for what it shows of each
// key's secret, and as one step of the cursor (has_more, last_id, after). Pure: a parsed page and the
// paging so far in, findings, the keys it lists and the next step out.

/** A key as the list shows it: its id, its owner type, the entry itself, and where it was listed. */
export interface ListedKey {
  id: string;
  ownerType: string | undefined;
  entry: Record<string, unknown>;
  /** The page it was on (from 1) and its place there (from 0). */
  page: number;
  index: number;
}

/** The paging so far: what has been read, what was seen, and the bounds. */
export interface Paging {
  readonly limit: number;
  readonly maxKeys: number;
  /** The most pages `maxKeys` could need at `limit`, and one to see the end. */
  readonly maxPages: number;
  pages: number;
  keysRead: number;
  readonly cursors: Set<string>;
  readonly ids: Set<string>;
}

export const pagingFor = (limit: number, maxKeys: number): Paging => ({
  limit,
  maxKeys,
  maxPages: Math.ceil(maxKeys / limit) + 1,
  pages: 0,
  keysRead: 0,
  cursors: new Set(),
  ids: new Set(),
});

/** What to do after a page: ask for the next one, or stop (the list's end, --max-keys, a fault). */
export type PageStep =
  | { kind: 'next'; after: string }
  | { kind: 'end' }
  | { kind: 'stop'; reason: string; fault: boolean };

export interface PageVerdict {
  /** Pagination faults of this page (keyword `emptyPage`, `cursor`, `lastId`, `pageBudget`). */
  findings: Finding[];
  /** The keys this page adds: new ones, up to --max-keys. */
  keys: ListedKey[];
  step: PageStep;
}

const shown = (value: unknown): string => truncateText(JSON.stringify(value) ?? String(value), 80);

const fault = (pointer: string, keyword: string, message: string): Finding => ({
  pointer,
  keyword,
  message,
  severity: 'error',
});

/** The page's entries that are keys at all (an object with a string id); the schema check names the rest. */
function keysOn(data: readonly unknown[], page: number): ListedKey[] {
  return data.flatMap((entry, index) => {
    if (!isJsonObject(entry) || typeof entry.id !== 'string') return [];
    const owner = isJsonObject(entry.owner) ? entry.owner.type : undefined;
    return [{ id: entry.id, ownerType: typeof owner === 'string' ? owner : undefined, entry, page, index }];
  });
}

/** `last_id` must be the id of the page's last key: anything else cannot be the cursor to go on from. */
function lastIdFindings(
  body: Record<string, unknown>,
  keys: readonly ListedKey[],
  hasMore: boolean,
): Finding[] {
  const last = keys.at(-1);
  if (last === undefined) return [];
  const lastId = body.last_id;
  if (typeof lastId !== 'string') {
    return hasMore
      ? [
          fault(
            '/last_id',
            'lastId',
            `has_more is true but last_id is ${shown(lastId)}: no cursor to go on from`,
          ),
        ]
      : [];
  }
  if (lastId === last.id) return [];
  const where = keys.some((key) => key.id === lastId)
    ? 'is on its page but not its last key'
    : 'is not on its page';
  return [
    fault('/last_id', 'lastId', `last_id ${shown(lastId)} ${where} (the last key is ${shown(last.id)})`),
  ];
}

/** The step after a page that listed keys: the end, --max-keys, a cursor seen before, too many pages, or on. */
function stepAfter(
  paging: Paging,
  hasMore: boolean,
  cut: boolean,
  cursor: string,
  findings: Finding[],
): PageStep {
  if (paging.keysRead >= paging.maxKeys && (hasMore || cut)) {
    return { kind: 'stop', reason: `--max-keys ${paging.maxKeys} reached: the list has more`, fault: false };
  }
  if (!hasMore) return { kind: 'end' };
  if (paging.cursors.has(cursor)) {
    const message = `the cursor ${shown(cursor)} was used before: the list would start over`;
    findings.push(fault('/last_id', 'cursor', message));
    return { kind: 'stop', reason: message, fault: true };
  }
  paging.cursors.add(cursor);
  if (paging.pages >= paging.maxPages) {
    const message = `${paging.pages} pages read and has_more is still true: more than --max-keys ${paging.maxKeys} could need at limit ${paging.limit} (${paging.maxPages})`;
    findings.push(fault('/has_more', 'pageBudget', message));
    return { kind: 'stop', reason: message, fault: true };
  }
  return { kind: 'next', after: cursor };
}

/**
 * One page as a step of the paging (which it updates): its faults, the new keys it lists (up to
 * --max-keys), and what comes next. A body that is not a list at all ends the paging: its schema check says why.
 */
export function pageStep(paging: Paging, body: unknown): PageVerdict {
  paging.pages++;
  if (!isJsonObject(body) || !Array.isArray(body.data)) {
    return {
      findings: [],
      keys: [],
      step: { kind: 'stop', reason: `page ${paging.pages} is not a list`, fault: true },
    };
  }
  const hasMore = body.has_more === true;
  const findings: Finding[] = [];
  if (body.data.length === 0) {
    if (!hasMore) return { findings, keys: [], step: { kind: 'end' } };
    const message = 'has_more is true but the page is empty';
    findings.push(fault('/data', 'emptyPage', message));
    return { findings, keys: [], step: { kind: 'stop', reason: message, fault: true } };
  }
  const onPage = keysOn(body.data, paging.pages);
  const repeated = onPage.filter((key) => paging.ids.has(key.id));
  const unseen = onPage.filter((key) => !paging.ids.has(key.id));
  const fresh = unseen.slice(0, paging.maxKeys - paging.keysRead);
  for (const key of fresh) paging.ids.add(key.id);
  paging.keysRead += fresh.length;
  findings.push(...lastIdFindings(body, onPage, hasMore));
  const first = repeated[0];
  if (first !== undefined) {
    const message = `the page lists ${repeated.length} of ${onPage.length} keys again (the first ${shown(first.id)}): the cursor started over or went back`;
    findings.push(fault(appendPointer('/data', first.index), 'cursor', message));
    return { findings, keys: fresh, step: { kind: 'stop', reason: message, fault: true } };
  }
  const last = onPage.at(-1) as ListedKey;
  const cursor = typeof body.last_id === 'string' && body.last_id === last.id ? body.last_id : last.id;
  const cut = fresh.length < unseen.length;
  return { findings, keys: fresh, step: stepAfter(paging, hasMore, cut, cursor, findings) };
}

/** What a list page is validated with: the list response's component, and the key component its entries are. */
export interface ListSchemas {
  /** The document with the list operation (today's when --spec has none). */
  list: SchemaValidators;
  /** `ProjectApiKeyListResponse`. */
  component: string;
  /** The --spec document's: each entry must be the ProjectApiKey the verdict holds retrieves to. */
  entries: SchemaValidators;
  strict: boolean;
}

/**
 * The page against the list response's schema: the envelope (object, has_more, first_id, last_id, data an
 * array) by the list's document, each entry by the --spec document's ProjectApiKey, at `/data/<i>`.
 */
export function listBodyFindings(body: unknown, schemas: ListSchemas): Finding[] {
  const options = { strict: schemas.strict };
  if (!isJsonObject(body) || !Array.isArray(body.data)) {
    return schemas.list.validate(schemas.component, body, options).findings;
  }
  const findings = [...schemas.list.validate(schemas.component, { ...body, data: [] }, options).findings];
  body.data.forEach((entry, index) => {
    const at = appendPointer('/data', index);
    for (const finding of schemas.entries.validate('ProjectApiKey', entry, options).findings) {
      findings.push({ ...finding, pointer: at + finding.pointer });
    }
  });
  return findings;
}

/** What each entry shows of its key: `redacted_value` really redacted, no key elsewhere, at `/data/<i>`. */
export function listSecretFindings(body: unknown): Finding[] {
  if (!isJsonObject(body) || !Array.isArray(body.data)) return [];
  return body.data.flatMap((entry, index) =>
    checkRedaction(entry).map((finding) => ({
      ...finding,
      pointer: appendPointer('/data', index) + finding.pointer,
    })),
  );
}
