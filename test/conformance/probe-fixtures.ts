import type { ProbeContext, ProbeRequest } from '../../src/conformance/probe-requests.ts';
import type { ProbeOutcome } from '../../src/conformance/probe-rules.ts';

// What the probe tests share: a target's context, requests and answers as data. Placeholders only.

export const ADMIN_KEY = 'sk-admin-EXAMPLE';
export const PROJECT = 'proj_Rf7sQk2LmZp9XwT4bN8cVd1E';
export const USER_KEY = 'key_Uq3TzR8mWv1YpK6s';
export const SERVICE_KEY = 'key_Sa9NcF2hJx5LbQ7d';

export const contextOf = (overrides: Partial<ProbeContext> = {}): ProbeContext => ({
  projectId: PROJECT,
  projectKnown: true,
  knownKeyIds: [USER_KEY, SERVICE_KEY],
  keyIdModel: 'key_QgyIi68dKERNcdxl',
  adminKey: ADMIN_KEY,
  otherAdminKey: 'sk-admin-EXAMPLE-invalid',
  projectKey: 'sk-proj-EXAMPLE',
  reference: false,
  documentedQuery: [],
  ...overrides,
});

export const requestOf = (overrides: Partial<ProbeRequest> = {}): ProbeRequest => ({
  category: 'test',
  method: 'GET',
  projectId: PROJECT,
  keyId: USER_KEY,
  auth: { kind: 'admin' },
  query: [],
  accept: 'application/json',
  ...overrides,
});

export const errorJson = (message = 'No API key found.') =>
  JSON.stringify({ error: { message, type: 'invalid_request_error', param: null, code: null } });

export const outcomeOf = (
  status: number | undefined,
  text = '',
  extra: Partial<ProbeOutcome> = {},
): ProbeOutcome => ({
  url: `http://127.0.0.1:9/v1/organization/projects/${PROJECT}/api_keys/${USER_KEY}`,
  ...(status === undefined ? {} : { status }),
  headers: { 'content-type': 'application/json' },
  text,
  echoes: [],
  exchangeIds: ['ex-1'],
  ...extra,
});

/**
 * A well-behaved target as a function: the one Authorization header must be the admin key, the key must
 * be one of the project's, HEAD has no body. What the reference provider does, without a socket.
 */
export const wellBehaved =
  (context: ProbeContext) =>
  (request: ProbeRequest): ProbeOutcome => {
    const url = `http://127.0.0.1:9/v1/organization/projects/${encodeURIComponent(request.projectId)}/api_keys/${encodeURIComponent(request.keyId)}`;
    const answer = (status: number, text: string) =>
      outcomeOf(status, request.method === 'HEAD' ? '' : text, { url });
    if (!['GET', 'HEAD'].includes(request.method)) return answer(405, errorJson('Invalid method.'));
    const auth = request.auth;
    if (auth.kind !== 'admin') return answer(401, errorJson('Incorrect API key provided.'));
    if (request.projectId !== context.projectId || !context.knownKeyIds.includes(request.keyId)) {
      return answer(404, errorJson());
    }
    return answer(200, JSON.stringify({ object: 'organization.project.api_key', id: request.keyId }));
  };
