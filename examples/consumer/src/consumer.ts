import type { ProjectApiKey } from 'project-api-key-contract';

// The part of the Administration API this dashboard uses: one key, by project and key id. The base URL
// comes in, so a test points the client at a stub or at Pact's mock server.

export class KeyNotFoundError extends Error {
  override name = 'KeyNotFoundError';
}

export class KeyClient {
  constructor(
    private readonly baseUrl: string,
    private readonly adminKey: string,
  ) {}

  async key(projectId: string, keyId: string): Promise<ProjectApiKey> {
    const url = `${this.baseUrl}/organization/projects/${encodeURIComponent(projectId)}/api_keys/${encodeURIComponent(keyId)}`;
    const response = await fetch(url, {
      headers: { Authorization: `Bearer ${this.adminKey}`, Accept: 'application/json' },
    });
    if (response.status === 404) throw new KeyNotFoundError(`no key ${keyId} in ${projectId}`);
    if (!response.ok) throw new Error(`retrieving key ${keyId}: HTTP ${response.status}`);
    return (await response.json()) as ProjectApiKey;
  }

  /** Who owns the key, in words for the dashboard. */
  async ownerOf(projectId: string, keyId: string): Promise<string> {
    const { owner } = await this.key(projectId, keyId);
    return owner.type === 'user'
      ? `${owner.user?.name} <${owner.user?.email}>`
      : `service account ${owner.service_account?.name}`;
  }
}
