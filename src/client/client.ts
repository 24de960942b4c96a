import type { Finding } from '../core/finding.ts';
import { isJsonMediaType } from '../core/media-type.ts';
import { asOpenAIError, type OpenAIErrorBody } from '../core/openai-error.ts';
import type { PathTemplate } from '../core/path-template.ts';
import { parseProviderJson } from '../core/response-json.ts';
import type { ProjectApiKey } from '../core/types.ts';
import { loadDocument, type OpenApiDocument } from '../openapi/document.ts';
import { type ListOperation, listOperationOf } from '../openapi/list-operation.ts';
import { retrieveOperationOf } from '../openapi/operation.ts';
import { type SchemaValidators, validatorsFor } from '../openapi/validators.ts';
import type { Transport } from '../transport/transport.ts';

// The consumer: a typed client for "Retrieve project API key". The code under test in the consumer
// contract, and the one the conformance run points at live targets (through its own fetch).

export type Fetch = typeof globalThis.fetch;

export interface ProjectApiKeyClientOptions {
  /** Where the API lives, path prefix included: `https://api.openai.com/v1`. */
  baseUrl: string;
  /** The admin key (`sk-admin-…`); sent as a bearer token and never repeated in an error. */
  adminKey: string;
  /** Any fetch-compatible function: the conformance run passes one with its transport policy. */
  fetch?: Fetch;
  /**
   * The transport policy's own `send`, instead of `fetch`: the same request and the same policy without a
   * Request, a Response and a stream per request, for callers that send thousands (a sweep). Its attempts
   * are bounded by the policy; `timeoutMs` is not added on top.
   */
  send?: Transport['send'];
  /** Abort a request (headers and body) after this long. */
  timeoutMs?: number;
  /** The document a 2xx body must conform to: the seed's by default; a client of today's shape passes that one. */
  document?: OpenApiDocument;
  /** Aborts every request: a run's deadline or an interrupt. */
  signal?: AbortSignal;
  /** The operation's path template, when the caller read it from its own document. */
  path?: PathTemplate;
  /**
   * The list operation, when the caller read it from a document other than `document` (a run on the seed's
   * document lists with today's). Default: `document`'s own, if it has one.
   */
  list?: Pick<ListOperation, 'path' | 'component'>;
}

/** A page of "List project API keys": `data`, the ids at its ends, and whether more follow. */
export interface ProjectApiKeyList {
  object: 'list';
  data: ProjectApiKey[];
  first_id?: string | null;
  last_id?: string | null;
  has_more: boolean;
}

/** Which page of the list to ask for; each left out is left to the server (its default limit, the first page). */
export interface ListQuery {
  /** Keys per page, 1 to 100 in today's document. */
  limit?: number;
  /** The id of the last key of the page before (a cursor). */
  after?: string;
  ownerProjectAccess?: 'active' | 'inactive' | 'any';
}

export const DEFAULT_TIMEOUT_MS = 30_000;

/** An answer as it came: status, headers (lower-case names) and body text. */
export interface RawResponse {
  url: string;
  status: number;
  statusText: string;
  headers: Record<string, string>;
  text: string;
}

/** What every client error says: which request it was about. */
export abstract class ProjectApiKeyClientError extends Error {
  abstract override readonly name: string;
  constructor(
    message: string,
    readonly url: string,
  ) {
    super(message);
  }
}

/** 404: the project or key does not exist (or is not visible to this admin key). */
export class ProjectApiKeyNotFoundError extends ProjectApiKeyClientError {
  override readonly name = 'ProjectApiKeyNotFoundError';
  readonly status = 404;
  constructor(
    url: string,
    readonly errorBody: OpenAIErrorBody | undefined,
  ) {
    super(`project API key not found (404) at ${url}${detail(errorBody)}`, url);
  }
}

/** 401/403: the admin key is missing, invalid, or lacks the scope. */
export class UnauthorizedError extends ProjectApiKeyClientError {
  override readonly name = 'UnauthorizedError';
  constructor(
    url: string,
    readonly status: 401 | 403,
    readonly errorBody: OpenAIErrorBody | undefined,
  ) {
    super(`admin key rejected (${status}) at ${url}${detail(errorBody)}`, url);
  }
}

/** A 2xx whose body is not JSON, is not labelled JSON, or is not a valid ProjectApiKey (or list of them). */
export class NonConformingResponseError extends ProjectApiKeyClientError {
  override readonly name = 'NonConformingResponseError';
  constructor(
    url: string,
    readonly status: number,
    readonly findings: Finding[],
    /** The parsed body, or the text when it is not JSON. */
    readonly body: unknown,
    component = 'ProjectApiKey',
  ) {
    const errors = findings.filter((f) => f.severity === 'error');
    const first = errors[0];
    super(
      `response from ${url} does not conform to ${component}: ${errors.length} error(s)` +
        (first ? `, first at ${first.pointer || '(root)'}: ${first.message}` : ''),
      url,
    );
  }
}

/** A status the endpoint is not expected to answer with (a 5xx, a 429 the fetch gave up on, a 3xx). */
export class UnexpectedStatusError extends ProjectApiKeyClientError {
  override readonly name = 'UnexpectedStatusError';
  constructor(
    url: string,
    readonly status: number,
    readonly errorBody: OpenAIErrorBody | undefined,
  ) {
    super(`unexpected status ${status} from ${url}${detail(errorBody)}`, url);
  }
}

/** No response: refused, reset, timed out, or whatever the injected fetch threw. */
export class NoResponseError extends ProjectApiKeyClientError {
  override readonly name = 'NoResponseError';
  constructor(
    url: string,
    readonly causeMessage: string,
  ) {
    super(`request to ${url} failed: ${causeMessage}`, url);
  }
}

const detail = (body: OpenAIErrorBody | undefined): string =>
  body ? `: ${body.error.type}: ${body.error.message}` : '';

let defaultValidators: SchemaValidators | undefined;
/** The seed document's template for the operation: the client builds its paths from the document. */
let defaultPath: PathTemplate | undefined;
const seedPath = (): PathTemplate => {
  defaultPath ??= retrieveOperationOf(loadDocument().document).path;
  return defaultPath;
};

const seedValidators = (): SchemaValidators => {
  if (!defaultValidators) {
    const { document, sha256 } = loadDocument();
    defaultValidators = validatorsFor(document, sha256);
  }
  return defaultValidators;
};

export class ProjectApiKeyClient {
  readonly #base: URL;
  readonly #adminKey: string;
  readonly #fetch: Fetch;
  readonly #send: Transport['send'] | undefined;
  readonly #timeoutMs: number;
  readonly #validators: () => SchemaValidators;
  readonly #signal: AbortSignal | undefined;
  readonly #path: PathTemplate;
  readonly #list: Pick<ListOperation, 'path' | 'component'> | undefined;

  constructor(options: ProjectApiKeyClientOptions) {
    if (!URL.canParse(options.baseUrl)) throw new TypeError(`baseUrl is not a URL: ${options.baseUrl}`);
    if (!options.adminKey) throw new TypeError('adminKey is empty');
    this.#base = new URL(options.baseUrl);
    this.#adminKey = options.adminKey;
    this.#fetch = options.fetch ?? globalThis.fetch;
    this.#send = options.send;
    this.#timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const document = options.document;
    this.#validators = document ? () => validatorsFor(document) : seedValidators;
    this.#signal = options.signal;
    this.#path = options.path ?? (document ? retrieveOperationOf(document).path : seedPath());
    this.#list = options.list ?? (document ? listOperationOf(document) : undefined);
  }

  /**
   * `baseUrl` + the operation's path, keeping the base's path prefix; each id is one percent-encoded
   * segment (an id of `..` or `a/b` cannot change which resource is asked for).
   */
  urlOf(projectId: string, keyId: string): string {
    // `(?<!\/)`: only a run's first slash may start a match, so a long run is read once, not once per slash.
    const prefix = this.#base.pathname.replace(/(?<!\/)\/+$/, '');
    return `${this.#base.origin}${prefix}${this.#path.expand([projectId, keyId])}`;
  }

  /** `baseUrl` + the list operation's path for the project, with the query's parameters in a fixed order. */
  listUrlOf(projectId: string, query: ListQuery = {}): string {
    if (!this.#list) throw new TypeError('the client has no list operation: give a document that has one');
    const prefix = this.#base.pathname.replace(/(?<!\/)\/+$/, '');
    const search = new URLSearchParams();
    if (query.limit !== undefined) search.set('limit', String(query.limit));
    if (query.after !== undefined) search.set('after', query.after);
    if (query.ownerProjectAccess !== undefined) search.set('owner_project_access', query.ownerProjectAccess);
    const rest = search.size > 0 ? `?${search}` : '';
    return `${this.#base.origin}${prefix}${this.#list.path.expand([projectId])}${rest}`;
  }

  /** One page of the project's keys, valid against the document's list response, or a client error. */
  async listProjectApiKeys(projectId: string, query: ListQuery = {}): Promise<ProjectApiKeyList> {
    const { url, status, headers, text } = await this.listExchange(projectId, query);
    const component = (this.#list as Pick<ListOperation, 'component'>).component;
    return this.#interpret(
      url,
      status,
      headers['content-type'] ?? null,
      text,
      component,
    ) as ProjectApiKeyList;
  }

  /** The list request as `listProjectApiKeys` sends it and the answer as it came; throws only NoResponseError. */
  listExchange(projectId: string, query: ListQuery = {}): Promise<RawResponse> {
    if (!projectId) throw new TypeError('projectId must be non-empty');
    return this.#get(this.listUrlOf(projectId, query));
  }

  async retrieveProjectApiKey(projectId: string, keyId: string): Promise<ProjectApiKey> {
    const { url, status, headers, text } = await this.exchange(projectId, keyId);
    return this.#interpret(url, status, headers['content-type'] ?? null, text) as ProjectApiKey;
  }

  /**
   * The request as `retrieveProjectApiKey` sends it and the answer as it came, uninterpreted: what the
   * conformance run checks. Throws only a NoResponseError, when there is no answer.
   */
  async exchange(projectId: string, keyId: string): Promise<RawResponse> {
    if (!projectId || !keyId) throw new TypeError('projectId and keyId must be non-empty');
    return this.#get(this.urlOf(projectId, keyId));
  }

  /** A GET with the admin key, read whole; throws only a NoResponseError. */
  async #get(url: string): Promise<RawResponse> {
    const headers = { Authorization: `Bearer ${this.#adminKey}`, Accept: 'application/json' };
    if (this.#send) return this.#sent(this.#send, url, headers);
    try {
      const response = await this.#fetch(url, {
        method: 'GET',
        headers,
        signal: this.#signal
          ? AbortSignal.any([this.#signal, AbortSignal.timeout(this.#timeoutMs)])
          : AbortSignal.timeout(this.#timeoutMs),
      });
      const text = await response.text();
      return {
        url,
        status: response.status,
        statusText: response.statusText,
        headers: Object.fromEntries(response.headers),
        text,
      };
    } catch (error) {
      throw new NoResponseError(url, causeOf(error, this.#timeoutMs));
    }
  }

  async #sent(send: Transport['send'], url: string, headers: Record<string, string>): Promise<RawResponse> {
    try {
      const response = await send(
        { method: 'GET', url, headers },
        this.#signal ? { signal: this.#signal } : {},
      );
      const joined: Record<string, string> = {};
      for (const [rawName, value] of response.headerPairs) {
        const name = rawName.toLowerCase();
        joined[name] = name in joined ? `${joined[name]}, ${value}` : value;
      }
      return {
        url,
        status: response.status,
        statusText: response.statusText,
        headers: joined,
        text: response.body.toString('utf8'),
      };
    } catch (error) {
      throw new NoResponseError(url, causeOf(error, this.#timeoutMs));
    }
  }

  #interpret(
    url: string,
    status: number,
    contentType: string | null,
    text: string,
    component = 'ProjectApiKey',
  ): unknown {
    const parsed = parseProviderJson(text);
    if (status >= 200 && status < 300) {
      if (!isJsonMediaType(contentType)) {
        throw new NonConformingResponseError(
          url,
          status,
          [
            {
              pointer: '',
              severity: 'error',
              keyword: 'contentType',
              message: `content-type must be application/json; got ${contentType ?? 'none'}`,
            },
          ],
          parsed.ok ? parsed.value : text,
          component,
        );
      }
      // Not JSON, or JSON whose meaning depends on the parser (a key twice): not a ProjectApiKey.
      if (!parsed.ok) throw new NonConformingResponseError(url, status, parsed.findings, text, component);
      const result = this.#validators().validate(component, parsed.value);
      if (!result.valid) {
        throw new NonConformingResponseError(url, status, result.findings, parsed.value, component);
      }
      return parsed.value;
    }
    const errorBody = parsed.ok ? asOpenAIError(parsed.value) : undefined;
    if (status === 404) throw new ProjectApiKeyNotFoundError(url, errorBody);
    if (status === 401 || status === 403) throw new UnauthorizedError(url, status, errorBody);
    throw new UnexpectedStatusError(url, status, errorBody);
  }
}

const causeOf = (error: unknown, timeoutMs: number): string => {
  if (error instanceof DOMException && error.name === 'TimeoutError')
    return `timed out after ${timeoutMs} ms`;
  if (!(error instanceof Error)) return String(error);
  // undici says "fetch failed" and keeps the reason (ECONNREFUSED, a reset) in `cause`.
  const cause = error.cause instanceof Error ? error.cause.message : undefined;
  return cause && cause !== error.message ? `${error.message} (${cause})` : error.message;
};
