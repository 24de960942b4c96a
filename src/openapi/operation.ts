import { isJsonObject } from '../core/json.ts';
import { type PathTemplate, pathTemplate } from '../core/path-template.ts';
import { valueAt } from '../core/pointer.ts';
import type { OpenApiDocument } from './document.ts';

// The one operation the suite is about, found in the document by its operationId: its method, its
// path template, from which every request path is built and every received path is read, and the
// request headers the document describes for it.

export const OPERATION_ID = 'retrieve-project-api-key';

/** The document has no such operation, or one the suite cannot use: bad usage (exit 2), in one line. */
export class OperationError extends Error {
  override name = 'OperationError';
}

export interface RetrieveOperation {
  method: 'GET';
  /** The document's template: the project id, then the key id (the public spec renamed `key_id` once). */
  path: PathTemplate;
  /**
   * The request headers the document describes for the operation, lower case: its header parameters
   * (path-level ones included), `authorization` when its security names an `http` scheme, and the
   * header an `apiKey` scheme names.
   */
  headers: readonly string[];
}

/** A local `$ref` followed a few hops; anything unresolvable is undefined (its header is then not sent). */
function resolved(document: OpenApiDocument, given: unknown): unknown {
  let value = given;
  for (let hops = 0; isJsonObject(value) && typeof value.$ref === 'string' && hops < 8; hops++) {
    const ref = value.$ref as string;
    if (!ref.startsWith('#/')) return undefined;
    try {
      value = valueAt(document, decodeURIComponent(ref.slice(1)));
    } catch {
      return undefined;
    }
  }
  return value;
}

/** The header names an operation's parameters and security requirements describe. */
export function describedHeaders(
  document: OpenApiDocument,
  item: Record<string, unknown>,
  operation: Record<string, unknown>,
): string[] {
  const names = new Set<string>();
  const parameters = [item.parameters, operation.parameters].flatMap((list) =>
    Array.isArray(list) ? list : [],
  );
  for (const given of parameters) {
    const parameter = resolved(document, given);
    if (isJsonObject(parameter) && parameter.in === 'header' && typeof parameter.name === 'string')
      names.add(parameter.name.toLowerCase());
  }
  // The operation's own `security` replaces the document's, an empty list included.
  const security = operation.security ?? (document as { security?: unknown }).security;
  const schemes = isJsonObject(document.components?.securitySchemes)
    ? document.components.securitySchemes
    : {};
  for (const requirement of Array.isArray(security) ? security : []) {
    for (const name of isJsonObject(requirement) ? Object.keys(requirement) : []) {
      const scheme = resolved(document, Object.hasOwn(schemes, name) ? schemes[name] : undefined);
      if (!isJsonObject(scheme)) continue;
      if (scheme.type === 'http') names.add('authorization');
      if (scheme.type === 'apiKey' && scheme.in === 'header' && typeof scheme.name === 'string')
        names.add(scheme.name.toLowerCase());
    }
  }
  return [...names].sort();
}

export const retrieveOperationOf = (document: OpenApiDocument): RetrieveOperation => {
  for (const [template, item] of Object.entries(document.paths)) {
    if (item.get?.operationId !== OPERATION_ID) continue;
    const path = pathTemplate(template);
    if (path.parameters.length !== 2) {
      throw new OperationError(`${template} must have two path parameters: the project id and the key id`);
    }
    return {
      method: 'GET',
      path,
      headers: describedHeaders(document, item, { ...item.get }),
    };
  }
  throw new OperationError(`the document has no GET operation ${OPERATION_ID}`);
};
