import type { RequestListener } from 'node:http';
import type { StateSetup } from '../pact/provider-states.ts';
import { createReferenceProvider, type ReferenceProviderOptions, servedDocument } from './app.ts';
import { listen } from './listen.ts';
import { type OtherOrigin, startOtherOrigin } from './other-origin.ts';
import { normalizePathPrefix, routeFor } from './route.ts';
import { stateChangeEndpoint } from './state-change.ts';
import type { ProjectApiKeyStore, ReferenceSeed } from './store.ts';

// The reference provider listening on loopback: what the conformance run starts and tests call.

export interface StartReferenceProviderOptions extends ReferenceProviderOptions {
  /** Default 0: any free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Serve Pact's provider-state protocol at this path (outside any prefix), e.g. `/_pact/state`. */
  stateChangePath?: string;
}

export interface RunningReferenceProvider {
  /** The base URL: origin plus path prefix, e.g. `http://127.0.0.1:40123/v1`. */
  url: string;
  /** Stops the provider (and the other origin) and destroys open connections, hanging ones included. */
  close(): Promise<void>;
  store: ProjectApiKeyStore;
  stateSetup: StateSetup;
  seed: ReferenceSeed;
  /** `cross-origin-redirect` only: the origin the redirect points at, and what reached it. */
  otherOrigin?: OtherOrigin;
}

export const DEFAULT_HOST = '127.0.0.1';

export const startReferenceProvider = async (
  options: StartReferenceProviderOptions,
): Promise<RunningReferenceProvider> => {
  const { port = 0, host = DEFAULT_HOST, stateChangePath, ...providerOptions } = options;
  const document = servedDocument(providerOptions);
  let otherOrigin: OtherOrigin | undefined;
  let store: ProjectApiKeyStore | undefined;
  if (providerOptions.fault === 'cross-origin-redirect') {
    const match = routeFor(document, normalizePathPrefix(providerOptions.pathPrefix));
    otherOrigin = await startOtherOrigin(host, (pathname) => {
      const params = match(pathname);
      return params && store?.findKey(params.projectId, params.keyId);
    });
  }
  try {
    const provider = createReferenceProvider({
      ...providerOptions,
      document,
      faultOptions: { ...providerOptions.faultOptions, redirectOrigin: otherOrigin?.url },
    });
    store = provider.store;
    const stateChange = stateChangePath === undefined ? undefined : stateChangeEndpoint(provider.stateSetup);
    const handler: RequestListener = stateChange
      ? (req, res) => {
          const pathname = new URL(req.url ?? '/', 'http://provider.invalid').pathname;
          if (pathname === stateChangePath) void stateChange(req, res);
          else provider.handler(req, res);
        }
      : provider.handler;
    const server = await listen(handler, port, host);
    return {
      url: server.origin + normalizePathPrefix(providerOptions.pathPrefix),
      close: async () => {
        await Promise.all([server.close(), otherOrigin?.close()]);
      },
      store: provider.store,
      stateSetup: provider.stateSetup,
      seed: provider.seed,
      ...(otherOrigin && { otherOrigin }),
    };
  } catch (error) {
    await otherOrigin?.close();
    throw error;
  }
};

/** The `npm run conformance` flags that verify a running reference provider: its URL and seeded ids. */
export const conformanceFlags = (provider: Pick<RunningReferenceProvider, 'url' | 'seed'>): string[] => [
  '--base-url',
  provider.url,
  '--project-id',
  provider.seed.projectId,
  '--user-key-id',
  provider.seed.userKeyId,
  '--service-account-key-id',
  provider.seed.serviceAccountKeyId,
];
