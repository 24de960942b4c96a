import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { VerifyTarget } from '../../src/contract/verify-pact.ts';
import { retrieveOperationOf } from '../../src/openapi/operation.ts';
import { sampleOfComponent } from '../../src/openapi/sample.ts';
import type { StateKey, StateParams, StateSetup } from '../../src/pact/provider-states.ts';
import type { TransportPolicy } from '../../src/transport/policy.ts';
import { createTransport } from '../../src/transport/transport.ts';
import { drop, type Edit, edited, seed } from '../helpers.ts';

// Small providers for verification tests: keys built from the document's own sample, so a schema change
// moves them with it; a variant breaks one thing by an edit at a pointer.

/** The key a provider accepts, built at run time: a whole-looking key never sits in a committed file. */
export const PROVIDER_ADMIN_KEY = `sk-admin-${'L'.repeat(40)}`;

const sample = sampleOfComponent('ProjectApiKey', seed.document) as { owner: Record<string, unknown> };
/** A key owned by a user (the sample with the service account owner dropped) and one by a service account. */
export const userOwned = edited(sample, ['/owner/type', 'user'], ['/owner/service_account', drop]);
export const serviceAccountOwned = edited(sample, ['/owner/type', 'service_account'], ['/owner/user', drop]);

/** The ids that hold on the local provider, per state. */
export const LOCAL_IDS: Record<StateKey, StateParams> = {
  userKey: { projectId: 'proj_local', keyId: 'key_local_user' },
  serviceAccountKey: { projectId: 'proj_local', keyId: 'key_local_svc' },
  unknownKey: { projectId: 'proj_local', keyId: 'key_local_missing' },
  invalidAdminKey: { projectId: 'proj_local', keyId: 'key_local_user' },
  projectKeys: { projectId: 'proj_local', keyId: 'key_local_user' },
};

/** Every state can be set up on the local provider: its ids are fixed. */
export const localStateSetup: StateSetup = (key) => LOCAL_IDS[key];

/** The bearer the invalid-admin-key state sends: shaped like an admin key, accepted by nobody. */
export const LOCAL_INVALID_KEY = `sk-admin-${'I'.repeat(40)}`;

/**
 * What verifyPact needs to send a pact's requests to a local provider: the document's operation, the
 * local ids, a transport with a short timeout and no retries (override either), exchanges labelled by state.
 */
export const localTarget = (
  baseUrl: string,
  overrides: Partial<VerifyTarget> = {},
  policy: Partial<TransportPolicy> = {},
): VerifyTarget => ({
  baseUrl,
  operation: retrieveOperationOf(seed.document),
  stateSetup: localStateSetup,
  transport: createTransport({ timeoutMs: 2000, retries: 0, ...policy }),
  adminKey: PROVIDER_ADMIN_KEY,
  invalidAdminKey: LOCAL_INVALID_KEY,
  labelOf: (key) => `pact:${key}`,
  ...overrides,
});

export interface ProviderVariant {
  /** Edits to the user-owned key's body. */
  userKeyEdits?: Edit[];
  /** Answer 200 with the user-owned key for any key id, known or not. */
  answersUnknownKeys?: boolean;
  /** Accept any bearer token. */
  ignoresAuth?: boolean;
  /** Serve under a path prefix, as the real API serves under `/v1`. */
  prefix?: string;
}

const errorBody = (message: string, type: string, code: string | null) => ({
  error: { message, type, param: null, code },
});

export interface LocalProvider {
  url: string;
  /** The requests it received, in order: method, path, the bearer, every header. */
  seen: { method: string; path: string; authorization: string | undefined; headers: IncomingHttpHeaders }[];
  close: () => Promise<void>;
}

/** A provider of `GET /organization/projects/{project_id}/api_keys/{key_id}` on 127.0.0.1, port 0. */
export const startProvider = async (variant: ProviderVariant = {}): Promise<LocalProvider> => {
  const keys = new Map<string, unknown>([
    [
      LOCAL_IDS.userKey.keyId,
      edited(userOwned, ['/id', LOCAL_IDS.userKey.keyId], ...(variant.userKeyEdits ?? [])),
    ],
    [
      LOCAL_IDS.serviceAccountKey.keyId,
      edited(serviceAccountOwned, ['/id', LOCAL_IDS.serviceAccountKey.keyId]),
    ],
  ]);
  const seen: LocalProvider['seen'] = [];
  const server: Server = createServer((request, response) => {
    const url = request.url ?? '';
    const path = variant.prefix && url.startsWith(variant.prefix) ? url.slice(variant.prefix.length) : url;
    seen.push({
      method: request.method ?? '',
      path: url,
      authorization: request.headers.authorization,
      headers: request.headers,
    });
    const send = (status: number, body: unknown) => {
      response.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
      response.end(JSON.stringify(body));
    };
    const match = /^\/organization\/projects\/([^/]+)\/api_keys\/([^/]+)$/.exec(path);
    if (request.method !== 'GET' || !match)
      return send(404, errorBody('Not found', 'invalid_request_error', null));
    if (!variant.ignoresAuth && request.headers.authorization !== `Bearer ${PROVIDER_ADMIN_KEY}`) {
      return send(401, errorBody('Incorrect API key provided.', 'invalid_request_error', 'invalid_api_key'));
    }
    const keyId = decodeURIComponent(match[2] as string);
    const key =
      keys.get(keyId) ?? (variant.answersUnknownKeys ? keys.get(LOCAL_IDS.userKey.keyId) : undefined);
    if (key === undefined)
      return send(404, errorBody(`No such API key: ${keyId}`, 'invalid_request_error', null));
    return send(200, key);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
};
