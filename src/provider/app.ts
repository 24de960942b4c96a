import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { errorBody } from '../core/openai-error.ts';
import type { ProjectApiKey } from '../core/types.ts';
import { DOCUMENT_VERSIONS, type DocumentVersion, isDocumentVersion } from '../openapi/default-path.ts';
import { loadDocument, type OpenApiDocument } from '../openapi/document.ts';
import type { StateSetup } from '../pact/provider-states.ts';
import { bodyUnderFault } from './fault-bodies.ts';
import { type FaultName, TRANSIENT_FAULTS } from './faults.ts';
import { listReply, servedListOperation } from './list.ts';
import { ERRORS, JSON_TYPE, jsonReply, type Reply, textReply, writeReply } from './responses.ts';
import { normalizePathPrefix, routeFor } from './route.ts';
import { stateSetupFor } from './state-setup.ts';
import { createStore, type ProjectApiKeyStore, type ReferenceSeed } from './store.ts';

// The reference provider as a request handler that does not listen: route, transient faults, auth,
// lookup, then the fault, decided as a Reply and written at the edge.

export interface FaultOptions {
  /** `huge-body`: bytes streamed before the body ends (invalidly). Default 300 MB. */
  hugeBodyBytes?: number;
  /** `huge-body`: bytes per write. Default 64 KiB. */
  hugeBodyChunkBytes?: number;
  /** `rate-limited`: the Retry-After header, in seconds. Default 1. */
  retryAfterSeconds?: number;
  /** `retry-after-ms`: the retry-after-ms header. Default 100. */
  retryAfterMs?: number;
  /** `cross-origin-redirect`: the origin the 302 points at (startReferenceProvider starts one). */
  redirectOrigin?: string;
}

export interface ReferenceProviderOptions {
  /** The one admin key the provider accepts as `Authorization: Bearer …`. */
  adminKey: string;
  /** Served under this path, e.g. `/v1`, so base URLs with a prefix work. */
  pathPrefix?: string;
  fault?: FaultName;
  faultOptions?: FaultOptions;
  /** Which shipped document's shape the bodies take: `seed` (the contract, default) or `current` (today's). */
  shape?: DocumentVersion;
  /** The OpenAPI document bodies are built from, when not one of the shipped ones; overrides `shape`. */
  document?: OpenApiDocument;
  /** Keys in the seeded project, of both owner types in turn: 2 (the default) to 100000. */
  keys?: number;
}

/** The document the provider serves: the one given, else the shipped one `shape` names. */
export const servedDocument = (options: Pick<ReferenceProviderOptions, 'shape' | 'document'>) => {
  if (options.document) return options.document;
  const shape = options.shape ?? 'seed';
  if (!isDocumentVersion(shape)) {
    throw new TypeError(
      `createReferenceProvider: shape must be seed or current, got ${JSON.stringify(shape)}`,
    );
  }
  return loadDocument(DOCUMENT_VERSIONS[shape]).document;
};

export interface ReferenceProvider {
  /** For `http.createServer(handler)`. */
  handler: (req: IncomingMessage, res: ServerResponse) => void;
  store: ProjectApiKeyStore;
  stateSetup: StateSetup;
  /** The ids seeded at creation. */
  seed: ReferenceSeed;
}

export const DEFAULT_FAULT_OPTIONS = {
  hugeBodyBytes: 300 * 1024 * 1024,
  hugeBodyChunkBytes: 64 * 1024,
  retryAfterSeconds: 1,
  retryAfterMs: 100,
} as const;

const digest = (text: string) => createHash('sha256').update(text).digest();

const HTML_PAGE =
  '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>Sign in</title></head>' +
  '<body><h1>Sign in to continue</h1><form method="post" action="/login"></form></body></html>\n';

const OPEN_VALUE = '"redacted_value":"';

/** The key's JSON up to the opening quote of `redacted_value`: a value that will never close. */
const endlessHead = (json: string): string => {
  const at = json.indexOf(OPEN_VALUE);
  return at >= 0 ? json.slice(0, at + OPEN_VALUE.length) : `${json.slice(0, -1)},${OPEN_VALUE}`;
};

/** A 404's message with the stack of the error behind it, and the server's file paths in it. */
const STACK_TRACE = [
  'NotFoundError: api key not found',
  '    at ApiKeyRepository.findOne (/srv/app/dist/repositories/api-keys.js:88:19)',
  '    at async retrieveProjectApiKey (/srv/app/dist/routes/projects.js:214:17)',
].join('\n');

const withStackTrace = (reply: Extract<Reply, { kind: 'send' }>): Reply => {
  const body = JSON.parse(reply.text) as { error: { message: string } };
  body.error.message = `${body.error.message}\n${STACK_TRACE}`;
  return jsonReply(reply.status, body, reply.headers);
};

type ResolvedFaultOptions = Required<Omit<FaultOptions, 'redirectOrigin'>> &
  Pick<FaultOptions, 'redirectOrigin'>;

/** The fault options with their defaults, or a TypeError naming the first one that cannot be used. */
function resolveFaultOptions(
  fault: FaultName | undefined,
  given: FaultOptions | undefined,
): ResolvedFaultOptions {
  const faultOptions = { ...DEFAULT_FAULT_OPTIONS, ...given };
  if (fault === 'cross-origin-redirect' && !faultOptions.redirectOrigin) {
    throw new TypeError('createReferenceProvider: cross-origin-redirect needs faultOptions.redirectOrigin');
  }
  for (const [name, value] of Object.entries(faultOptions)) {
    if (
      typeof value === 'number' &&
      !(Number.isSafeInteger(value) && value >= (name === 'hugeBodyChunkBytes' ? 1 : 0))
    ) {
      throw new TypeError(
        `createReferenceProvider: faultOptions.${name} must be a whole number, got ${value}`,
      );
    }
  }
  return faultOptions;
}

function bearerOf(req: IncomingMessage): string | undefined {
  return /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '')?.[1];
}

/** `admin-shaped-bearer`: any bearer with the admin key's prefix, length and alphabet gets in. */
function adminShaped(bearer: string, adminKey: string): boolean {
  return bearer.length === adminKey.length && /^sk-admin-[A-Za-z0-9_-]+$/.test(bearer);
}

function redirectTo(location: string, status = 302): Reply {
  return textReply(status, 'text/plain; charset=utf-8', `Found. Redirecting to ${location}`, { location });
}

/** The provider's state (store, route, fault) and its stages: route, transient faults, auth, lookup, fault. */
class ReferenceApp {
  readonly fault: FaultName | undefined;
  readonly faultOptions: ResolvedFaultOptions;
  readonly document: OpenApiDocument;
  readonly pathPrefix: string;
  readonly match: ReturnType<typeof routeFor>;
  readonly store: ProjectApiKeyStore;
  readonly seed: ReferenceSeed;
  readonly list: Parameters<typeof listReply>[0];
  readonly adminKey: string;
  readonly adminKeyDigest: Buffer;
  /** Transient faults fail the odd-numbered attempts of each (method, path, accept, authorization): one retry succeeds. */
  readonly attempts = new Map<string, number>();
  /** `plausible-unknown-key`: an unknown id shaped like the seeded ones (prefix, length, letters and digits). */
  readonly seededShape: RegExp;

  constructor(options: ReferenceProviderOptions) {
    if (!options.adminKey) throw new TypeError('createReferenceProvider: adminKey is required');
    const fault = options.fault;
    this.fault = fault;
    this.faultOptions = resolveFaultOptions(fault, options.faultOptions);
    const document = servedDocument(options);
    this.document = document;
    this.pathPrefix = normalizePathPrefix(options.pathPrefix);
    this.match = routeFor(document, this.pathPrefix);
    // `live-shape` is today's real service answering a run that expects the seed: bodies of the current shape.
    this.store = createStore(fault === 'live-shape' ? servedDocument({ shape: 'current' }) : document);
    this.seed = this.store.reset(options.keys);
    this.list = {
      store: this.store,
      operation: servedListOperation(document),
      serviceAccountKeyId: this.seed.serviceAccountKeyId,
      fault,
    };
    this.adminKey = options.adminKey;
    this.adminKeyDigest = digest(options.adminKey);
    this.seededShape = new RegExp(`^key_[A-Za-z0-9]{${this.seed.userKeyId.length - 'key_'.length}}$`);
  }

  isFirstAttempt(req: IncomingMessage): boolean {
    // Accept too: requests that differ only there (a conformance run's probes) each get their own retry.
    const key = `${req.method} ${req.url} ${req.headers.accept ?? ''} ${digest(req.headers.authorization ?? '').toString('hex')}`;
    const count = (this.attempts.get(key) ?? 0) + 1;
    this.attempts.set(key, count);
    return count % 2 === 1;
  }

  authFailure(req: IncomingMessage): Reply | undefined {
    const { fault, adminKey } = this;
    if (!req.headers.authorization) return fault === 'anonymous-served' ? undefined : ERRORS.missingKey();
    // node keeps the first of two Authorization headers: which one counts must not be a guess.
    if ((req.headersDistinct.authorization?.length ?? 0) > 1) return ERRORS.twoKeys();
    const bearer = bearerOf(req);
    if (bearer && timingSafeEqual(digest(bearer), this.adminKeyDigest)) return undefined;
    if (bearer && fault === 'admin-shaped-bearer' && adminShaped(bearer, adminKey)) return undefined;
    if (bearer && fault === 'bearer-prefix' && bearer.startsWith(adminKey)) return undefined;
    if (fault === 'key-in-error-body') {
      return jsonReply(
        401,
        errorBody(`Incorrect API key provided: ${bearer ?? ''}.`, 'invalid_request_error', 'invalid_api_key'),
      );
    }
    return ERRORS.invalidKey();
  }

  transientFailure(): Reply {
    const { fault, faultOptions } = this;
    if (fault === 'transient-5xx') return ERRORS.overloaded();
    return ERRORS.rateLimited(
      fault === 'rate-limited'
        ? { 'retry-after': String(faultOptions.retryAfterSeconds) }
        : { 'retry-after-ms': String(faultOptions.retryAfterMs) },
    );
  }

  keyReply(key: ProjectApiKey, projectId: string, req: IncomingMessage): Reply {
    const { fault, faultOptions } = this;
    const otherKeyId = this.store.keyIds(projectId).find((id) => id !== key.id);
    const body = bodyUnderFault(fault, key, { document: this.document, otherKeyId });
    const json = JSON.stringify(body);
    switch (fault) {
      case 'html-200':
        return textReply(200, 'text/html; charset=utf-8', HTML_PAGE);
      case 'wrong-content-type':
        return textReply(200, 'text/plain; charset=utf-8', json);
      case 'empty-body':
        return textReply(200, JSON_TYPE, '');
      case 'truncated-json':
        return { kind: 'truncate', status: 200, text: json };
      case 'huge-body':
        return {
          kind: 'stream',
          head: endlessHead(json),
          totalBytes: faultOptions.hugeBodyBytes,
          chunkBytes: faultOptions.hugeBodyChunkBytes,
        };
      case 'key-json-escaped': {
        // The admin key in `name`, its first character JSON-escaped: the same string once parsed.
        const bearer = bearerOf(req) ?? '';
        const escaped = `\\u${(bearer.charCodeAt(0) || 0).toString(16).padStart(4, '0')}${bearer.slice(1)}`;
        return textReply(
          200,
          JSON_TYPE,
          json.replace(`"name":${JSON.stringify(body.name)}`, `"name":"${escaped}"`),
        );
      }
      default:
        return jsonReply(200, body);
    }
  }

  replyTo(req: IncomingMessage): Reply {
    const { fault, pathPrefix } = this;
    const method = req.method ?? 'GET';
    const url = new URL(req.url ?? '/', 'http://provider.invalid');
    if (fault === 'same-origin-redirect' && url.pathname === `${pathPrefix}/login`) {
      return textReply(200, 'text/html; charset=utf-8', HTML_PAGE);
    }
    const params = this.match(url.pathname);
    const listed = params ? undefined : this.list.operation.path.match(url.pathname, pathPrefix)?.[0];
    if (!params && listed === undefined) return ERRORS.unknownPath(method, url.pathname);
    // HEAD is GET without the body (node leaves it out): RFC 9110 asks every GET resource to answer it.
    if (method !== 'GET' && method !== 'HEAD') return ERRORS.wrongMethod(method, url.pathname);
    if (fault === 'hang') return { kind: 'hang' };
    if (fault === 'reset') return { kind: 'reset' };
    if (fault && TRANSIENT_FAULTS.includes(fault) && this.isFirstAttempt(req)) return this.transientFailure();
    if (fault === 'permanent-5xx') return ERRORS.serverError();
    const denied = fault === 'auth-not-enforced' ? undefined : this.authFailure(req);
    if (denied) return denied;
    if (!params) return listReply(this.list, listed as string, url.searchParams);
    return this.keyRouteReply(req, url, params);
  }

  /** An authorised GET of one key: the redirect faults, then the key as the fault mode finds it. */
  keyRouteReply(req: IncomingMessage, url: URL, params: { projectId: string; keyId: string }): Reply {
    const { fault, pathPrefix } = this;
    if (fault === 'cross-origin-redirect') {
      return redirectTo(`${this.faultOptions.redirectOrigin}${url.pathname}${url.search}`);
    }
    if (fault === 'same-origin-redirect') {
      return redirectTo(`${pathPrefix}/login?next=${encodeURIComponent(url.pathname)}`);
    }
    if (fault === 'key-in-location' && !url.searchParams.has('session')) {
      const session = Buffer.from(bearerOf(req) ?? '').toString('base64');
      return redirectTo(`${url.pathname}?session=${encodeURIComponent(session)}`, 307);
    }
    const { projectId, keyId } = params;
    // `non-ascii-500`: an id the lookup cannot encode takes the server down.
    if (fault === 'non-ascii-500' && [...keyId].some((c) => c.charCodeAt(0) > 0x7f))
      return ERRORS.serverError();
    const key = this.findUnderFault(projectId, keyId);
    if (key && fault === 'swapped-owner-types') {
      const ownerType = key.owner.type === 'user' ? 'service_account' : 'user';
      return this.keyReply(this.store.bodyFor({ projectId, keyId, ownerType }), projectId, req);
    }
    if (key) return this.keyReply(key, projectId, req);
    return this.notFound(projectId, keyId, req);
  }

  /** The key a request names, as the fault mode finds it: fabricated, by id alone, by id in any case. */
  findUnderFault(projectId: string, keyId: string): ProjectApiKey | undefined {
    const { fault, store } = this;
    const fabricates =
      fault === 'not-found-not-enforced' ||
      (fault === 'plausible-unknown-key' && this.seededShape.test(keyId));
    if (fabricates)
      return store.findKey(projectId, keyId) ?? store.bodyFor({ projectId, keyId, ownerType: 'user' });
    // `any-project`: the key is looked up by its id alone, whichever project the path names.
    if (fault === 'any-project')
      return store.findKey(this.seed.projectId, keyId) ?? store.findKey(projectId, keyId);
    if (fault === 'case-insensitive-id') {
      const same = store.keyIds(projectId).find((id) => id.toLowerCase() === keyId.toLowerCase());
      return same === undefined ? undefined : store.findKey(projectId, same);
    }
    return store.findKey(projectId, keyId);
  }

  notFound(projectId: string, keyId: string, req: IncomingMessage): Reply {
    const { fault } = this;
    if (fault === 'key-in-error-body') {
      const message = `No API key found with id '${keyId}' for the admin key ${bearerOf(req) ?? ''}.`;
      return jsonReply(404, errorBody(message, 'invalid_request_error'));
    }
    const reply = this.store.hasProject(projectId)
      ? ERRORS.unknownKey(projectId, keyId)
      : ERRORS.unknownProject(projectId);
    // `stack-trace-404`: the error's stack, as a framework in debug mode appends it.
    return fault === 'stack-trace-404' && reply.kind === 'send' ? withStackTrace(reply) : reply;
  }

  handle(req: IncomingMessage, res: ServerResponse): void {
    const startedAt = performance.now();
    const reply = this.replyTo(req);
    // `key-in-header`: every answer carries the credential it was sent, as a debugging header would.
    if (this.fault === 'key-in-header' && reply.kind === 'send') {
      reply.headers = { ...reply.headers, 'x-debug-authorization': req.headers.authorization ?? '' };
    }
    writeReply(req, res, startedAt, reply);
  }
}

export function createReferenceProvider(options: ReferenceProviderOptions): ReferenceProvider {
  const app = new ReferenceApp(options);
  const handler = (req: IncomingMessage, res: ServerResponse): void => app.handle(req, res);
  return { handler, store: app.store, stateSetup: stateSetupFor(app.store), seed: app.seed };
}
