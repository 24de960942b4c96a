import { type PathTemplate, pathTemplate } from '../path-template.ts';
import type { OpenApiDocument } from './document.ts';

// The one operation the suite is about, found in the document by its operationId: its method and its
// path template, from which every request path is built and every received path is read.

export const OPERATION_ID = 'retrieve-project-api-key';

/** The document has no such operation, or one the suite cannot use: bad usage (exit 2), in one line. */
export class OperationError extends Error {
  override name = 'OperationError';
}

export interface RetrieveOperation {
  method: 'GET';
  /** The document's template: the project id, then the key id (the public spec renamed `key_id` once). */
  path: PathTemplate;
}

export const retrieveOperationOf = (document: OpenApiDocument): RetrieveOperation => {
  for (const [template, item] of Object.entries(document.paths)) {
    if (item.get?.operationId !== OPERATION_ID) continue;
    const path = pathTemplate(template);
    if (path.parameters.length !== 2) {
      throw new OperationError(`${template} must have two path parameters: the project id and the key id`);
    }
    return { method: 'GET', path };
  }
  throw new OperationError(`the document has no GET operation ${OPERATION_ID}`);
};
