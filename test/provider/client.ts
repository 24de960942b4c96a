import { request } from 'node:http';
import type { StateParams } from '../../src/pact/provider-states.ts';
import type { ReferenceSeed } from '../../src/provider/index.ts';

// A loopback client for the provider tests: the endpoint's URL, fetch with or without the admin key, and a
// raw reader for what fetch hides (bytes that arrived before a connection closed).

export const ADMIN_KEY = 'sk-admin-EXAMPLE';
export const bearer = (key: string) => ({ authorization: `Bearer ${key}` });
export const AUTHORIZED = bearer(ADMIN_KEY);

export const keyUrl = (baseUrl: string, { projectId, keyId }: StateParams): string =>
  `${baseUrl}/organization/projects/${encodeURIComponent(projectId)}/api_keys/${encodeURIComponent(keyId)}`;

/** The list endpoint's URL for a project, with a query (limit, after, owner_project_access) when given. */
export const listUrl = (baseUrl: string, projectId: string, query: Record<string, string> = {}): string => {
  const search = new URLSearchParams(query).toString();
  return `${baseUrl}/organization/projects/${encodeURIComponent(projectId)}/api_keys${search ? `?${search}` : ''}`;
};

export const userKeyOf = (provider: { seed: ReferenceSeed }): StateParams => ({
  projectId: provider.seed.projectId,
  keyId: provider.seed.userKeyId,
});

export const serviceAccountKeyOf = (provider: { seed: ReferenceSeed }): StateParams => ({
  projectId: provider.seed.projectId,
  keyId: provider.seed.serviceAccountKeyId,
});

export interface Fetched {
  status: number;
  headers: Headers;
  text: string;
}

export const get = async (
  url: string,
  headers: Record<string, string> = AUTHORIZED,
  init: RequestInit = {},
) => {
  const response = await fetch(url, { headers, ...init });
  return { status: response.status, headers: response.headers, text: await response.text() } as Fetched;
};

export const getJson = async (url: string, headers: Record<string, string> = AUTHORIZED) => {
  const fetched = await get(url, headers);
  return { ...fetched, body: JSON.parse(fetched.text) as Record<string, unknown> };
};

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  bytes: Buffer;
  /** False when the connection closed before the message ended. */
  complete: boolean;
}

/** GET with node:http, keeping whatever bytes arrived even when the connection is cut. */
export const rawGet = (url: string, headers: Record<string, string> = AUTHORIZED): Promise<RawResponse> =>
  new Promise((resolve, reject) => {
    const req = request(url, { headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('close', () =>
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          bytes: Buffer.concat(chunks),
          complete: res.complete,
        }),
      );
      res.on('error', () => undefined); // `aborted` surfaces as complete: false
    });
    req.on('error', reject);
    req.end();
  });
