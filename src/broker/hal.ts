import { MAX_JSON_DEPTH, nestedDeeperThan } from '../core/json.ts';
import { withoutUserinfo } from '../secrets/userinfo.ts';
import { createTransport, type Transport, type TransportResponse } from '../transport/transport.ts';
import { TransportError } from '../transport/transport-error.ts';
import { BrokerError } from './broker-error.ts';
import { authorizationOf, type BrokerCredentials, describeCredentials, secretsOf } from './credentials.ts';

// A small HAL client for the Pact Broker: its index, templated links, JSON in and out. Requests go through
// the project's transport policy (timeouts, retries of idempotent requests, size cap, same-origin
// redirects only), with a recorder of their own: broker traffic is not the target's and never reaches a
// report. Credentials are sent to the broker's own origin only, whatever its links say.

export interface BrokerConnection {
  /** The broker's base URL, without a trailing slash. */
  brokerUrl: string;
  credentials?: BrokerCredentials;
  /** Per request; default 10 s. */
  timeoutMs?: number;
  /** Further attempts of idempotent requests (GET, PUT) after 5xx, 429 or a lost connection; default 2. */
  retries?: number;
  /** Aborting it rejects the pending request with the signal's reason (not a BrokerError). */
  signal?: AbortSignal;
}

export interface HalLink {
  href: string;
  name?: string;
  title?: string;
  templated?: boolean;
}

export interface HalResponse {
  status: number;
  /** The parsed body, when it was JSON. */
  json?: unknown;
  /** What the broker said, in one line, for a message (its `error`/`errors`, else a body excerpt). */
  said: string;
}

export interface HalClient {
  readonly brokerUrl: string;
  /** The index's link `name` with `params` filled in; a missing link means this is not a (recent) broker. */
  link(name: string, params?: Record<string, string>): string;
  request(method: 'GET' | 'POST' | 'PUT', url: string, purpose: string, body?: unknown): Promise<HalResponse>;
  close(): void;
}

export const DEFAULT_BROKER_TIMEOUT_MS = 10_000;
/** A broker's answers are small (an index, a list of pacts, a pact): past this, one is not read further. */
export const MAX_BROKER_ANSWER_BYTES = 10 * 1024 * 1024;

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The `_links` of a HAL document, keeping only well-formed single links. */
export const linksOf = (document: unknown): Record<string, HalLink> => {
  const links = isObject(document) && isObject(document._links) ? document._links : {};
  return Object.fromEntries(
    Object.entries(links).filter(
      (entry): entry is [string, HalLink] => isObject(entry[1]) && typeof entry[1].href === 'string',
    ),
  );
};

/** `{name}` placeholders filled with URI-encoded values (the broker's templates use no other form). */
export const expandTemplate = (href: string, params: Record<string, string>): string =>
  href.replace(/\{(\w+)\}/g, (whole, name: string) =>
    name in params ? encodeURIComponent(params[name] as string) : whole,
  );

/** How deep a broker's error body is read for a message: its own are three levels (`{"errors": {f: [...]}}`). */
const SAID_DEPTH = 8;
/** What a broker said is shown in at most this many characters. */
const SAID_CHARS = 300;

/** The strings of an error body, each after the key it sits under; nothing below `SAID_DEPTH` levels. */
function saidStrings(value: unknown, at: string, depth: number): string[] {
  if (typeof value === 'string') return [at ? `${at}: ${value}` : value];
  if (depth >= SAID_DEPTH || value === null || typeof value !== 'object') return [];
  if (Array.isArray(value)) return value.flatMap((item) => saidStrings(item, at, depth + 1));
  return Object.entries(value).flatMap(([key, item]) => saidStrings(item, key, depth + 1));
}

/** A broker error body (`{"error": ...}` or `{"errors": {field: [...]}}`) in one line. */
export const saidBy = (json: unknown, text: string): string => {
  const said =
    isObject(json) && (json.error !== undefined || json.errors !== undefined)
      ? saidStrings(json.error ?? json.errors, '', 0).join('; ')
      : text;
  // Cut before the whitespace is folded: a 10 MB answer costs what a short one does.
  const line = said
    .slice(0, SAID_CHARS * 4)
    .replace(/\s+/g, ' ')
    .trim();
  return line.length > SAID_CHARS ? `${line.slice(0, SAID_CHARS)}…` : line;
};

function connectionDetail(error: TransportError, purpose: string, timeoutMs: number): string {
  switch (error.kind) {
    case 'timeout':
      return `no answer to ${purpose} within ${timeoutMs} ms`;
    case 'connection':
      return `cannot connect (${error.message})`;
    case 'too-large':
      return `answered ${purpose} with more than ${MAX_BROKER_ANSWER_BYTES} bytes, the most a broker answer may have`;
    default:
      return `unusable answer to ${purpose} (${error.message})`;
  }
}

/** One open broker: its origin, the transport its requests go through, and its index once read. */
class BrokerSession {
  readonly brokerUrl: string;
  readonly origin: string;
  readonly timeoutMs: number;
  readonly transport: Transport;
  readonly authorization: string | undefined;
  index: Record<string, HalLink> = {};

  constructor(readonly connection: BrokerConnection) {
    this.brokerUrl = connection.brokerUrl.replace(/\/+$/, '');
    this.origin = new URL(this.brokerUrl).origin;
    this.timeoutMs = connection.timeoutMs ?? DEFAULT_BROKER_TIMEOUT_MS;
    // The transport's recorder keeps the credentials out of what it records; a BrokerError says what the
    // broker said, and the console and report writers redact it on the way out.
    const secrets = secretsOf(connection.credentials);
    this.transport = createTransport(
      { timeoutMs: this.timeoutMs, retries: connection.retries ?? 2, maxBodyBytes: MAX_BROKER_ANSWER_BYTES },
      { secrets },
    );
    this.authorization = connection.credentials && authorizationOf(connection.credentials);
  }

  fail(problem: BrokerError['problem'], detail: string): never {
    throw new BrokerError(this.brokerUrl, problem, detail);
  }

  async request(
    method: 'GET' | 'POST' | 'PUT',
    url: string,
    purpose: string,
    body?: unknown,
  ): Promise<HalResponse> {
    const { connection } = this;
    // The broker's own links: one that is not a URL is the broker's fault, named without its userinfo.
    if (!URL.canParse(url))
      return this.fail('unexpected', `links to ${withoutUserinfo(url)}, which is not a URL`);
    const headers: Record<string, string> = { accept: 'application/hal+json, application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (this.authorization && new URL(url).origin === this.origin) headers.authorization = this.authorization;
    let response: TransportResponse;
    try {
      response = await this.transport.send(
        {
          method,
          url,
          headers,
          ...(body === undefined ? {} : { body: new TextEncoder().encode(JSON.stringify(body)) }),
        },
        { signal: connection.signal },
      );
    } catch (error) {
      if (connection.signal?.aborted) throw error;
      if (error instanceof TransportError) {
        const problem = error.kind === 'too-large' || error.kind === 'timeout' ? error.kind : 'unreachable';
        return this.fail(problem, connectionDetail(error, purpose, this.timeoutMs));
      }
      throw error;
    }
    return this.answerOf(response, purpose);
  }

  /** The answer as JSON when it says it is; 401, 403 and JSON too deep to read are BrokerErrors. */
  answerOf(response: TransportResponse, purpose: string): HalResponse {
    const { credentials } = this.connection;
    const text = response.body.toString('utf8');
    let json: unknown;
    if (/json/i.test(String(response.headers['content-type'] ?? ''))) {
      try {
        json = JSON.parse(text);
      } catch {
        json = undefined;
      }
    }
    const status = response.status;
    if (status === 401) {
      this.fail(
        'unauthorized',
        `answered 401 Unauthorized to ${purpose}, with ${describeCredentials(credentials)}`,
      );
    }
    if (status === 403) {
      this.fail(
        'forbidden',
        `answered 403 Forbidden to ${purpose}: ${describeCredentials(credentials)} may not do that`,
      );
    }
    // Nothing that reads a broker's answer is given JSON deep enough to exhaust the stack.
    if (nestedDeeperThan(json)) {
      this.fail(
        'unexpected',
        `answered ${status} to ${purpose} with JSON nested more than ${MAX_JSON_DEPTH} levels deep`,
      );
    }
    return { status, ...(json === undefined ? {} : { json }), said: saidBy(json, text) };
  }

  /** Reads the index; an answer that is not a (recent) broker's is a BrokerError, and the transport closes. */
  async readIndex(): Promise<void> {
    const { brokerUrl } = this;
    try {
      const answer = await this.request('GET', `${brokerUrl}/`, 'a request for its index');
      if (answer.status >= 500) {
        this.fail('unexpected', `answered ${answer.status} to a request for its index: ${answer.said}`);
      }
      if (answer.status !== 200) {
        this.fail(
          'not-a-broker',
          `is not a Pact Broker: its index (GET ${brokerUrl}/) answered ${answer.status}`,
        );
      }
      this.index = linksOf(answer.json);
      if (!this.index['pb:provider-pacts-for-verification']) {
        this.fail(
          'not-a-broker',
          answer.json === undefined
            ? `is not a Pact Broker: its index (GET ${brokerUrl}/) is not JSON`
            : 'is not a Pact Broker (or one too old): its index has no pb:provider-pacts-for-verification link',
        );
      }
    } catch (error) {
      this.transport.close();
      throw error;
    }
  }

  link(name: string, params: Record<string, string> = {}): string {
    const link = this.index[name];
    if (!link)
      return this.fail('not-a-broker', `its index has no ${name} link: a Pact Broker too old for this`);
    return expandTemplate(link.href, params);
  }
}

/** Opens the broker: fetches its index. Unreachable, 401/403 and "not a broker" fail here, as BrokerErrors. */
export async function openBroker(connection: BrokerConnection): Promise<HalClient> {
  const session = new BrokerSession(connection);
  await session.readIndex();
  return {
    brokerUrl: session.brokerUrl,
    link: (name, params) => session.link(name, params),
    request: (method, url, purpose, body) => session.request(method, url, purpose, body),
    close: () => session.transport.close(),
  };
}
