import { isJsonObject } from '../core/json.ts';
import { isJsonMediaType } from '../core/media-type.ts';
import { appendPointer, valueAt } from '../core/pointer.ts';
import type { OpenApiDocument, OperationObject } from '../openapi/document.ts';
import { type Change, change } from './change.ts';
import {
  DEFAULT_OPERATION,
  type LocatedOperation,
  locateOperation,
  type OperationRef,
  type ParameterObject,
  parseOperation,
  templateParameters,
} from './same-operation.ts';
import { compareSchemas, type Place, type Walk } from './schemas.ts';
import { compareSecurity } from './security.ts';

// What changed in one operation between two versions of a document, and whom each change breaks.
// Pure: two parsed documents in, changes out. 3.0 and 3.1 in any mix: schemas are compared as shapes.

export interface DriftResult {
  /** The operation as each document spells it. */
  from: OperationRef;
  to: OperationRef;
  changes: Change[];
}

/** The status whose body is compared. */
export const COMPARED_STATUS = '200';

const resolved = (value: unknown, document: OpenApiDocument): unknown => {
  let node = value;
  for (let hops = 0; isJsonObject(node) && typeof node.$ref === 'string' && hops < 16; hops++) {
    node = valueAt(document, decodeURIComponent((node.$ref as string).replace(/^#/, '')));
  }
  return node;
};

/** The JSON schema of a status's response, if it has one. */
const bodySchemaOf = (operation: OperationObject, status: string, document: OpenApiDocument): unknown => {
  const response = resolved(operation.responses?.[status], document);
  const content = isJsonObject(response) && isJsonObject(response.content) ? response.content : {};
  const mediaType = Object.keys(content).find((type) => isJsonMediaType(type));
  const media = mediaType === undefined ? undefined : content[mediaType];
  return isJsonObject(media) ? media.schema : undefined;
};

type Documents = { from: OpenApiDocument; to: OpenApiDocument };

const compareParameters = (from: LocatedOperation, to: LocatedOperation, documents: Documents): Change[] => {
  const changes: Change[] = [];
  const indexIn = (located: LocatedOperation, parameter: ParameterObject | undefined) =>
    parameter ? located.parameters.indexOf(parameter) : -1;
  const pointerOf = (index: number, fallback: string) => (index >= 0 ? `/parameters/${index}` : fallback);
  const walk = {
    documents,
    side: 'request' as const,
    place: (pointer: string) => `parameter ${pointer.replace(/\/schema$/, '')}`,
  };
  const schemas = (old: ParameterObject | undefined, now: ParameterObject | undefined, at: string) =>
    old?.schema !== undefined && now?.schema !== undefined
      ? compareSchemas(old.schema, now.schema, walk, `${at}/schema`)
      : [];
  const request = (pointer: string, keyword: string) => ({ side: 'request' as const, pointer, keyword });

  // Path parameters by position: the names are the document's, the values are the URL's segments.
  const [oldNames, newNames] = [templateParameters(from.path), templateParameters(to.path)];
  oldNames.forEach((oldName, position) => {
    const newName = newNames[position] as string;
    const old = from.parameters.find((p) => p.in === 'path' && p.name === oldName);
    const now = to.parameters.find((p) => p.in === 'path' && p.name === newName);
    const at = pointerOf(indexIn(from, old), `/parameters/path/${position}`);
    if (oldName !== newName) {
      const fact = `path parameter ${position + 1} {${oldName}} renamed {${newName}}`;
      changes.push(change('parameter-renamed', request(at, 'name'), oldName, newName, fact));
    }
    changes.push(...schemas(old, now, at));
  });

  // Query, header and cookie parameters by name: there the name is on the wire.
  const named = (located: LocatedOperation) => located.parameters.filter((p) => p.in !== 'path');
  const key = (p: ParameterObject) => `${p.in}:${p.name}`;
  const before = named(from);
  const after = named(to);
  for (const old of before) {
    const now = after.find((p) => key(p) === key(old));
    const at = pointerOf(indexIn(from, old), '');
    const label = `${old.in} parameter ${old.name}`;
    if (!now) {
      changes.push(change('property-removed', request(at, 'parameters'), key(old), null, `${label} removed`));
      continue;
    }
    if (!old.required && now.required)
      changes.push(change('required-added', request(at, 'required'), false, true, `${label} now required`));
    if (old.required && !now.required)
      changes.push(
        change('required-removed', request(at, 'required'), true, false, `${label} no longer required`),
      );
    changes.push(...schemas(old, now, at));
  }
  for (const now of after.filter((p) => !before.some((old) => key(old) === key(p)))) {
    const at = pointerOf(indexIn(to, now), '');
    const label = `${now.in} parameter ${now.name}`;
    changes.push(
      now.required
        ? change('required-added', request(at, 'required'), null, key(now), `new required ${label}`)
        : change('property-added', request(at, 'parameters'), null, key(now), `new optional ${label}`),
    );
  }
  return changes;
};

const compareStatuses = (from: OperationObject, to: OperationObject): Change[] => {
  const [before, after] = [Object.keys(from.responses ?? {}), Object.keys(to.responses ?? {})];
  const only = (these: string[], those: string[]) => these.filter((status) => !those.includes(status));
  const at = (status: string) => ({
    side: 'response' as const,
    pointer: `/responses/${status}`,
    keyword: 'responses',
  });
  return [
    ...only(before, after).map((status) =>
      change('status-removed', at(status), status, null, `status ${status} no longer documented`),
    ),
    ...only(after, before).map((status) =>
      change('status-added', at(status), null, status, `status ${status} newly documented`),
    ),
  ];
};

interface HeaderObject {
  required?: boolean;
  schema?: unknown;
}

/** A status's headers by lower-case name (HTTP names are case-insensitive), each `$ref` followed. */
function headersOf(operation: OperationObject, status: string, document: OpenApiDocument) {
  const response = resolved(operation.responses?.[status], document);
  const given = isJsonObject(response) && isJsonObject(response.headers) ? response.headers : {};
  const headers = new Map<string, { name: string; header: HeaderObject }>();
  for (const [name, header] of Object.entries(given)) {
    const object = resolved(header, document);
    // OpenAPI: a Content-Type header is ignored; the media type says it.
    if (isJsonObject(object) && name.toLowerCase() !== 'content-type') {
      headers.set(name.toLowerCase(), { name, header: object as HeaderObject });
    }
  }
  return headers;
}

/** One header: removed, added (optional or required), made required or not, and its schema. */
function headerChanges(
  name: string,
  old: HeaderObject | undefined,
  now: HeaderObject | undefined,
  walk: Walk,
  pointer: string,
): Change[] {
  const at = (keyword: string) => ({ side: walk.side, pointer, keyword });
  const here = walk.place(pointer);
  if (!now) return [change('property-removed', at('headers'), name, null, `${here} no longer documented`)];
  if (!old) {
    return [
      now.required
        ? change('required-added', at('required'), null, name, `new required ${here}`)
        : change('property-added', at('headers'), null, name, `new optional ${here}`),
    ];
  }
  const changes: Change[] = [];
  if (!old.required && now.required)
    changes.push(change('required-added', at('required'), false, true, `${here} now required`));
  if (old.required && !now.required)
    changes.push(change('required-removed', at('required'), true, false, `${here} no longer required`));
  if (old.schema !== undefined && now.schema !== undefined)
    changes.push(...compareSchemas(old.schema, now.schema, walk, `${pointer}/schema`));
  return changes;
}

/** The headers of each status documented in both: removed, added, required or not, and their schemas. */
function compareHeaders(from: OperationObject, to: OperationObject, documents: Documents): Change[] {
  const changes: Change[] = [];
  const statuses = Object.keys(from.responses ?? {}).filter((status) => to.responses?.[status] !== undefined);
  for (const status of statuses) {
    const [before, after] = [headersOf(from, status, documents.from), headersOf(to, status, documents.to)];
    const base = `${appendPointer('/responses', status)}/headers`;
    for (const key of new Set([...before.keys(), ...after.keys()])) {
      // Named as the new document names it, or as the old did when it is gone.
      const name = (after.get(key) ?? before.get(key))?.name as string;
      const pointer = appendPointer(base, name);
      const label = `header ${name} of status ${status}`;
      const place: Place = (at) => `${label}${at.slice(`${pointer}/schema`.length)}`;
      changes.push(
        ...headerChanges(
          name,
          before.get(key)?.header,
          after.get(key)?.header,
          { documents, side: 'response', place },
          pointer,
        ),
      );
    }
  }
  return changes;
}

/** `the body`, `property /owner/user`, or `branch /owner/oneOf/1` where a pointer ends in a branch. */
const bodyPlace: Place = (pointer) =>
  pointer === '' ? 'the body' : `${/\/(anyOf|oneOf)\/\d+$/.test(pointer) ? 'branch' : 'property'} ${pointer}`;

/** The 200 bodies' schemas; a 200 documented in both with a JSON body in only one is the body's type changing. */
const compareBodies = (from: OperationObject, to: OperationObject, documents: Documents): Change[] => {
  const before = bodySchemaOf(from, COMPARED_STATUS, documents.from);
  const after = bodySchemaOf(to, COMPARED_STATUS, documents.to);
  if (before !== undefined && after !== undefined) {
    return compareSchemas(before, after, { documents, side: 'response', place: bodyPlace }, '');
  }
  const documented = from.responses?.[COMPARED_STATUS] && to.responses?.[COMPARED_STATUS];
  if (!documented || (before === undefined && after === undefined)) return [];
  const [a, b] = before === undefined ? ['no JSON body', 'JSON body'] : ['JSON body', 'no JSON body'];
  const at = { side: 'response' as const, pointer: '', keyword: 'content' };
  return [change('type-changed', at, a, b, `status ${COMPARED_STATUS}: ${a} → ${b}`)];
};

/**
 * Compares the operation `operation` (`METHOD:/path`, matched by path shape) of `from` with that of `to`:
 * parameters, security requirements, statuses, each status's headers, and the 200 response body. Throws
 * OperationError when either lacks it, SchemaShapeError when a schema cannot be read.
 */
export const compareOperations = (
  from: OpenApiDocument,
  to: OpenApiDocument,
  options: { operation?: string; names?: { from: string; to: string } } = {},
): DriftResult => {
  const ref = parseOperation(options.operation ?? DEFAULT_OPERATION);
  const names = options.names ?? { from: 'the old document', to: 'the new document' };
  const old = locateOperation(from, ref, names.from);
  const now = locateOperation(to, ref, names.to);
  const documents = { from, to };
  const changes = [
    ...compareParameters(old, now, documents),
    ...compareSecurity(
      { operation: old.operation, document: from, resolve: (value) => resolved(value, from) },
      { operation: now.operation, document: to, resolve: (value) => resolved(value, to) },
    ),
    ...compareStatuses(old.operation, now.operation),
    ...compareHeaders(old.operation, now.operation, documents),
  ];
  changes.push(...compareBodies(old.operation, now.operation, documents));
  return {
    from: { method: old.method, path: old.path },
    to: { method: now.method, path: now.path },
    changes,
  };
};

/** Whether any change breaks anyone: the exit code's question. */
export const breaksAnyone = (changes: readonly Change[]): boolean =>
  changes.some((c) => c.breaksConsumers || c.breaksProviders);
