import { DOCUMENT_VERSIONS } from '../openapi/default-path.ts';
import { FAULT_NAMES, type FaultName, isFaultName } from '../provider/faults.ts';
import { startReferenceProvider } from '../provider/server.ts';
import { guarded, specOf } from './inputs.ts';
import type { SpecOptions } from './options.ts';

// The reference provider as the library hands it out: a stub for a consumer's tests, on loopback. Loaded
// by startReferenceProvider only when it is called, so importing the library starts no server code.

/** The admin key the stub accepts unless told another: a placeholder, and it looks like one. */
const EXAMPLE_ADMIN_KEY = 'sk-admin-EXAMPLE';

export interface ReferenceProviderOptions extends SpecOptions {
  /** Which shipped document's shape its bodies take: `seed` (default) or `current`; `spec` overrides it. */
  shape?: 'seed' | 'current';
  /** The one admin key it accepts as `Authorization: Bearer …`; default `sk-admin-EXAMPLE`. */
  adminKey?: string;
  /** Misbehave on purpose, to test a client's handling (`rate-limited`, `html-200`, ...; see `provider --list-faults`). */
  fault?: string;
  /** Default 0: any free port. */
  port?: number;
  /** Default `127.0.0.1`. */
  host?: string;
  /** Serve under this path, e.g. `/v1`. */
  pathPrefix?: string;
  /** Also serve Pact's provider-state protocol here (e.g. `/_pact/state`), for a Pact verifier. */
  stateChangePath?: string;
}

export interface ReferenceProviderHandle {
  /** The base URL, path prefix included, e.g. `http://127.0.0.1:40123`. */
  url: string;
  /** The seeded ids: the project, a key a user owns and a key a service account owns. */
  ids: { projectId: string; userKeyId: string; serviceAccountKeyId: string };
  /** The admin key it accepts. */
  adminKey: string;
  /** Stops it, ending open connections. */
  close(): Promise<void>;
}

function checked(options: ReferenceProviderOptions): ReferenceProviderOptions {
  if (options === null || typeof options !== 'object') throw new TypeError('options must be an object');
  const { fault, shape, adminKey } = options;
  if (fault !== undefined && !isFaultName(String(fault))) {
    throw new TypeError(`unknown fault ${JSON.stringify(fault)} (faults: ${FAULT_NAMES.join(', ')})`);
  }
  if (shape !== undefined && !Object.hasOwn(DOCUMENT_VERSIONS, shape)) {
    throw new TypeError(`shape must be seed or current, got ${JSON.stringify(shape)}`);
  }
  if (adminKey !== undefined && (typeof adminKey !== 'string' || !/^[\x21-\x7e]+$/.test(adminKey))) {
    throw new TypeError('adminKey must be printable ASCII with no whitespace');
  }
  return options;
}

export async function start(options: ReferenceProviderOptions): Promise<ReferenceProviderHandle> {
  const {
    spec,
    adminKey = EXAMPLE_ADMIN_KEY,
    ...rest
  } = guarded('startReferenceProvider', () => checked(options));
  const document =
    spec === undefined
      ? undefined
      : guarded('startReferenceProvider', () => structuredClone(specOf({ spec }).document));
  const provider = await startReferenceProvider({
    ...rest,
    fault: rest.fault as FaultName | undefined,
    adminKey,
    ...(document && { document }),
  });
  return {
    url: provider.url,
    ids: { ...provider.seed },
    adminKey,
    close: () => provider.close(),
  };
}
