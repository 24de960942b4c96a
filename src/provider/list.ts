import { errorBody } from '../core/openai-error.ts';
import type { ProjectApiKey } from '../core/types.ts';
import { DOCUMENT_VERSIONS } from '../openapi/default-path.ts';
import { loadDocument, type OpenApiDocument } from '../openapi/document.ts';
import { type ListOperation, listOperationOf } from '../openapi/list-operation.ts';
import type { FaultName } from './faults.ts';
import { ERRORS, jsonReply, type Reply } from './responses.ts';
import type { ProjectApiKeyStore } from './store.ts';

// "List project API keys" as the reference provider serves it: pages in the order keys were added, `limit`
// and the `after` cursor, the `owner_project_access` filter, and the list's own fault modes. Its path and
// limits come from the served document's list operation, or today's document's when it has none (the seed).

/** A key the `listed-key-404` fault lists though it does not exist: shaped like the seeded ids. */
export const PHANTOM_KEY_ID = 'key_Ph4ntomL1st3d0';

const ACCESS = ['active', 'inactive', 'any'] as const;
type Access = (typeof ACCESS)[number];

interface ListRequest {
  limit: number;
  after: string | undefined;
  access: Access | undefined;
}

/** The list operation the provider serves: the document's own, else today's. */
export function servedListOperation(document: OpenApiDocument): ListOperation {
  const operation =
    listOperationOf(document) ?? listOperationOf(loadDocument(DOCUMENT_VERSIONS.current).document);
  if (!operation) throw new Error("today's document has no list operation");
  return operation;
}

const badRequest = (message: string, param: string): Reply =>
  jsonReply(400, { error: { ...errorBody(message, 'invalid_request_error').error, param } });

/** The query as the endpoint reads it, or the 400 the real service gives for a value it does not take. */
function listRequestOf(search: URLSearchParams, operation: ListOperation): ListRequest | Reply {
  const limitText = search.get('limit');
  const limit =
    limitText === null ? operation.limit.default : /^\d{1,6}$/.test(limitText) ? Number(limitText) : 0;
  if (limit < operation.limit.min || limit > operation.limit.max) {
    return badRequest(
      `Invalid 'limit': expected an integer from ${operation.limit.min} to ${operation.limit.max}.`,
      'limit',
    );
  }
  const access = search.get('owner_project_access');
  if (access !== null && !(ACCESS as readonly string[]).includes(access)) {
    return badRequest(
      `Invalid 'owner_project_access': expected one of ${ACCESS.join(', ')}.`,
      'owner_project_access',
    );
  }
  return {
    limit,
    after: search.get('after') ?? undefined,
    access: (access ?? undefined) as Access | undefined,
  };
}

/** The ids the list goes through, in order: the project's keys, filtered, plus a phantom under its fault. */
function listedIds(
  store: ProjectApiKeyStore,
  projectId: string,
  access: Access | undefined,
  fault: FaultName | undefined,
): readonly string[] {
  let ids = store.keyIds(projectId);
  if (access === 'active' || access === 'inactive') {
    ids = ids.filter((id) => store.ownerProjectAccess(projectId, id) === access);
  }
  return fault === 'listed-key-404' ? [...ids, PHANTOM_KEY_ID] : ids;
}

/** A page's entry: the stored body, except where a fault makes the list say otherwise. */
function entryOf(
  store: ProjectApiKeyStore,
  projectId: string,
  id: string,
  serviceAccountKeyId: string,
  fault: FaultName | undefined,
): ProjectApiKey {
  const key = store.findKey(projectId, id) ?? store.bodyFor({ projectId, keyId: id, ownerType: 'user' });
  if (fault === 'list-retrieve-disagree' && id === serviceAccountKeyId)
    return { ...key, name: `${key.name} (renamed)` };
  return key;
}

export interface ListContext {
  store: ProjectApiKeyStore;
  operation: ListOperation;
  /** The seeded service account's key: the one `list-retrieve-disagree` renames. */
  serviceAccountKeyId: string;
  fault: FaultName | undefined;
}

/** The answer to a list request for `projectId` with `search` (auth already checked). */
export function listReply(context: ListContext, projectId: string, search: URLSearchParams): Reply {
  const { store, fault } = context;
  if (!store.hasProject(projectId)) return ERRORS.unknownProject(projectId);
  const request = listRequestOf(search, context.operation);
  if ('kind' in request) return request;
  const ids = listedIds(store, projectId, request.access, fault);
  // `list-cursor-restarts`: the cursor is read as if it were not there.
  const after = fault === 'list-cursor-restarts' ? undefined : request.after;
  const start = after === undefined ? 0 : ids.indexOf(after) + 1;
  if (start === 0 && after !== undefined) {
    return badRequest(`No API key found with id '${after}' to list after.`, 'after');
  }
  const page = ids.slice(start, start + request.limit);
  const more = start + page.length < ids.length;
  return jsonReply(200, {
    object: 'list',
    data: page.map((id) => entryOf(store, projectId, id, context.serviceAccountKeyId, fault)),
    first_id: page[0] ?? null,
    last_id: page.at(-1) ?? null,
    has_more: more || fault === 'list-cursor-restarts' || fault === 'list-has-more-forever',
  });
}
