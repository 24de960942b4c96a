import { isJsonObject } from '../json.ts';
import { isJsonMediaType } from '../media-type.ts';
import type { OpenApiDocument, OperationObject } from '../openapi/document.ts';
import { appendPointer, valueAt } from '../pointer.ts';
import {
  DEFAULT_OPERATION,
  type LocatedOperation,
  locateOperation,
  type OperationRef,
  type ParameterObject,
  parseOperation,
  templateParameters,
} from './operation.ts';
import { type ChangeKind, judge, type Side } from './rules.ts';
import { describeShape, type Shape, shapeOf } from './shape.ts';

// What changed in one operation between two versions of a document, and whom each change breaks.
// Pure: two parsed documents in, changes out. 3.0 and 3.1 in any mix: schemas are compared as shapes.

export interface Change {
  kind: ChangeKind;
  /** Into the response body (`/owner/user/added_at`), or into the operation (`/parameters/1`, `/responses/404`). */
  pointer: string;
  /** What the old document says here (a type, a flag, an enum, a name), or null when it says nothing. */
  from: unknown;
  to: unknown;
  breaksConsumers: boolean;
  breaksProviders: boolean;
  /** The change and why it breaks whom it breaks, in one line. */
  message: string;
}

export interface DriftResult {
  /** The operation as each document spells it. */
  from: OperationRef;
  to: OperationRef;
  changes: Change[];
}

/** The status whose body is compared. */
export const COMPARED_STATUS = '200';

const change = (
  kind: ChangeKind,
  side: Side,
  pointer: string,
  from: unknown,
  to: unknown,
  fact: string,
): Change => {
  const { breaksConsumers, breaksProviders, why } = judge(kind, side);
  return { kind, pointer, from, to, breaksConsumers, breaksProviders, message: `${fact}: ${why}` };
};

const list = (values: readonly unknown[]): string => values.map((v) => JSON.stringify(v)).join(', ');
const typesText = (shape: Shape): string => (shape.types.length === 0 ? 'any' : shape.types.join(' | '));

/** Where a part of a message is, for the change's words: `property /owner/user/added_at`, `the body`. */
type Place = (pointer: string) => string;

/**
 * The changes between two schemas for one message. `place` words a pointer; `pairs` holds the `$ref`
 * pairs being compared further up, so a recursive schema is walked once.
 */
const compareSchemas = (
  from: { schema: unknown; document: OpenApiDocument },
  to: { schema: unknown; document: OpenApiDocument },
  side: Side,
  pointer: string,
  place: Place,
  pairs: readonly string[] = [],
): Change[] => {
  const a = shapeOf(from.schema, from.document);
  const b = shapeOf(to.schema, to.document);
  const pair = `${a.refs.at(-1) ?? ''}→${b.refs.at(-1) ?? ''}`;
  if (pair !== '→' && pairs.includes(pair)) return [];
  const here = place(pointer);
  const changes: Change[] = [];

  const sameTypes = a.types.length === b.types.length && a.types.every((t) => b.types.includes(t));
  if (!sameTypes) {
    changes.push(
      change(
        'type-changed',
        side,
        pointer,
        typesText(a),
        typesText(b),
        `${here}: type ${typesText(a)} → ${typesText(b)}`,
      ),
    );
  }
  if (a.nullable !== b.nullable) {
    changes.push(
      b.nullable
        ? change('nullable-added', side, pointer, false, true, `${here} may now be null`)
        : change('nullable-removed', side, pointer, true, false, `${here} may no longer be null`),
    );
  }
  if (a.enum && b.enum) {
    const added = b.enum.filter((v) => !a.enum?.includes(v));
    const removed = a.enum.filter((v) => !b.enum?.includes(v));
    if (added.length > 0)
      changes.push(
        change('enum-value-added', side, pointer, a.enum, b.enum, `${here}: new value ${list(added)}`),
      );
    if (removed.length > 0)
      changes.push(
        change(
          'enum-value-removed',
          side,
          pointer,
          a.enum,
          b.enum,
          `${here}: value ${list(removed)} removed`,
        ),
      );
  } else if (a.enum) {
    // Any value of the type is allowed now: values the old list did not have among them.
    changes.push(
      change(
        'enum-value-added',
        side,
        pointer,
        a.enum,
        null,
        `${here}: no longer an enum, any ${typesText(b)} allowed (was ${list(a.enum)})`,
      ),
    );
  } else if (b.enum) {
    changes.push(
      change('enum-value-removed', side, pointer, null, b.enum, `${here}: now only ${list(b.enum)}`),
    );
  }
  if (a.format !== b.format) {
    changes.push(
      change(
        'format-changed',
        side,
        pointer,
        a.format ?? null,
        b.format ?? null,
        `${here}: format ${a.format ?? 'none'} → ${b.format ?? 'none'}`,
      ),
    );
  }

  const deeper = pair === '→' ? pairs : [...pairs, pair];
  if (a.types.includes('object') && b.types.includes('object')) {
    const before = new Map(a.properties);
    const after = new Map(b.properties);
    const names = [...before.keys(), ...[...after.keys()].filter((name) => !before.has(name))];
    for (const name of names) {
      const at = appendPointer(pointer, name);
      const old = before.get(name);
      const now = after.get(name);
      if (now === undefined) {
        const shape = describeShape(shapeOf(old, from.document));
        changes.push(change('property-removed', side, at, shape, null, `${place(at)} (${shape}) removed`));
      } else if (old === undefined) {
        const shape = describeShape(shapeOf(now, to.document));
        changes.push(
          b.required.includes(name)
            ? change('required-added', side, at, null, shape, `new required ${place(at)} (${shape})`)
            : change('property-added', side, at, null, shape, `new optional ${place(at)} (${shape})`),
        );
      } else {
        const [was, is] = [a.required.includes(name), b.required.includes(name)];
        if (!was && is)
          changes.push(change('required-added', side, at, false, true, `${place(at)} now required`));
        if (was && !is)
          changes.push(change('required-removed', side, at, true, false, `${place(at)} no longer required`));
        changes.push(
          ...compareSchemas(
            { schema: old, document: from.document },
            { schema: now, document: to.document },
            side,
            at,
            place,
            deeper,
          ),
        );
      }
    }
  }
  if (a.types.includes('array') && b.types.includes('array') && a.items && b.items) {
    changes.push(
      ...compareSchemas(
        { schema: a.items, document: from.document },
        { schema: b.items, document: to.document },
        side,
        appendPointer(pointer, 0),
        place,
        deeper,
      ),
    );
  }
  return changes;
};

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

const compareParameters = (
  from: LocatedOperation,
  to: LocatedOperation,
  documents: { from: OpenApiDocument; to: OpenApiDocument },
): Change[] => {
  const changes: Change[] = [];
  const indexIn = (located: LocatedOperation, parameter: ParameterObject | undefined) =>
    parameter ? located.parameters.indexOf(parameter) : -1;
  const pointerOf = (index: number, fallback: string) => (index >= 0 ? `/parameters/${index}` : fallback);
  const schemas = (old: ParameterObject | undefined, now: ParameterObject | undefined, at: string) =>
    old?.schema !== undefined && now?.schema !== undefined
      ? compareSchemas(
          { schema: old.schema, document: documents.from },
          { schema: now.schema, document: documents.to },
          'request',
          `${at}/schema`,
          (pointer) => `parameter ${pointer.replace(/\/schema$/, '')}`,
        )
      : [];

  // Path parameters by position: the names are the document's, the values are the URL's segments.
  const [oldNames, newNames] = [templateParameters(from.path), templateParameters(to.path)];
  oldNames.forEach((oldName, position) => {
    const newName = newNames[position] as string;
    const old = from.parameters.find((p) => p.in === 'path' && p.name === oldName);
    const now = to.parameters.find((p) => p.in === 'path' && p.name === newName);
    const at = pointerOf(indexIn(from, old), `/parameters/path/${position}`);
    if (oldName !== newName) {
      changes.push(
        change(
          'parameter-renamed',
          'request',
          at,
          oldName,
          newName,
          `path parameter ${position + 1} {${oldName}} renamed {${newName}}`,
        ),
      );
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
      changes.push(change('property-removed', 'request', at, key(old), null, `${label} removed`));
      continue;
    }
    if (!old.required && now.required)
      changes.push(change('required-added', 'request', at, false, true, `${label} now required`));
    if (old.required && !now.required)
      changes.push(change('required-removed', 'request', at, true, false, `${label} no longer required`));
    changes.push(...schemas(old, now, at));
  }
  for (const now of after.filter((p) => !before.some((old) => key(old) === key(p)))) {
    const at = pointerOf(indexIn(to, now), '');
    const label = `${now.in} parameter ${now.name}`;
    changes.push(
      now.required
        ? change('required-added', 'request', at, null, key(now), `new required ${label}`)
        : change('property-added', 'request', at, null, key(now), `new optional ${label}`),
    );
  }
  return changes;
};

const compareStatuses = (from: OperationObject, to: OperationObject): Change[] => {
  const [before, after] = [Object.keys(from.responses ?? {}), Object.keys(to.responses ?? {})];
  const only = (these: string[], those: string[]) => these.filter((status) => !those.includes(status));
  return [
    ...only(before, after).map((status) =>
      change(
        'status-removed',
        'response',
        `/responses/${status}`,
        status,
        null,
        `status ${status} no longer documented`,
      ),
    ),
    ...only(after, before).map((status) =>
      change(
        'status-added',
        'response',
        `/responses/${status}`,
        null,
        status,
        `status ${status} newly documented`,
      ),
    ),
  ];
};

const bodyPlace: Place = (pointer) => (pointer === '' ? 'the body' : `property ${pointer}`);

/** The 200 bodies' schemas; a 200 documented in both with a JSON body in only one is the body's type changing. */
const compareBodies = (
  from: OperationObject,
  to: OperationObject,
  documents: { from: OpenApiDocument; to: OpenApiDocument },
): Change[] => {
  const before = bodySchemaOf(from, COMPARED_STATUS, documents.from);
  const after = bodySchemaOf(to, COMPARED_STATUS, documents.to);
  if (before !== undefined && after !== undefined) {
    return compareSchemas(
      { schema: before, document: documents.from },
      { schema: after, document: documents.to },
      'response',
      '',
      bodyPlace,
    );
  }
  const documented = from.responses?.[COMPARED_STATUS] && to.responses?.[COMPARED_STATUS];
  if (!documented || (before === undefined && after === undefined)) return [];
  const [a, b] = before === undefined ? ['no JSON body', 'JSON body'] : ['JSON body', 'no JSON body'];
  return [change('type-changed', 'response', '', a, b, `status ${COMPARED_STATUS}: ${a} → ${b}`)];
};

/**
 * Compares the operation `operation` (`METHOD:/path`, matched by path shape) of `from` with that of `to`:
 * parameters, statuses, and the 200 response body. Throws OperationError when either lacks it,
 * SchemaShapeError when a schema cannot be read.
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
  const changes = [
    ...compareParameters(old, now, { from, to }),
    ...compareStatuses(old.operation, now.operation),
  ];
  changes.push(...compareBodies(old.operation, now.operation, { from, to }));
  return {
    from: { method: old.method, path: old.path },
    to: { method: now.method, path: now.path },
    changes,
  };
};

/** Whether any change breaks anyone: the exit code's question. */
export const breaksAnyone = (changes: readonly Change[]): boolean =>
  changes.some((c) => c.breaksConsumers || c.breaksProviders);
