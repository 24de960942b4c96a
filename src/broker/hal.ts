import { createTransport, type TransportResponse } from '../transport/transport.ts';
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

/** A broker error body (`{"error": ...}` or `{"errors": {field: [...]}}`) in one line. */
export const saidBy = (json: unknown, text: string): string => {
  const flatten = (value: unknown, at: string): string[] => {
    if (typeof value === 'string') return [at ? `${at}: ${value}` : value];
    if (Array.isArray(value)) return value.flatMap((item) => flatten(item, at));
    if (isObject(value)) return Object.entries(value).flatMap(([key, item]) => flatten(item, key));
    return [];
  };
  const said =
    isObject(json) && (json.error !== undefined || json.errors !== undefined)
      ? flatten(json.error ?? json.errors, '').join('; ')
      : text;
  const line = said.replace(/\s+/g, ' ').trim();
  return line.length > 300 ? `${line.slice(0, 300)}…` : line;
};

const connectionDetail = (error: TransportError, timeoutMs: number): string =>
  error.kind === 'timeout'
    ? `no answer within ${timeoutMs} ms`
    : error.kind === 'connection'
      ? `cannot connect (${error.message})`
      : `unusable answer (${error.message})`;

/** Opens the broker: fetches its index. Unreachable, 401/403 and "not a broker" fail here, as BrokerErrors. */
export const openBroker = async (connection: BrokerConnection): Promise<HalClient> => {
  const brokerUrl = connection.brokerUrl.replace(/\/+$/, '');
  const origin = new URL(brokerUrl).origin;
  const timeoutMs = connection.timeoutMs ?? DEFAULT_BROKER_TIMEOUT_MS;
  // The transport's recorder keeps the credentials out of what it records; a BrokerError says what the
  // broker said, and the console and report writers redact it on the way out.
  const secrets = secretsOf(connection.credentials);
  const transport = createTransport({ timeoutMs, retries: connection.retries ?? 2 }, { secrets });
  const authorization = connection.credentials && authorizationOf(connection.credentials);
  const fail = (problem: BrokerError['problem'], detail: string): never => {
    throw new BrokerError(brokerUrl, problem, detail);
  };

  const request: HalClient['request'] = async (method, url, purpose, body) => {
    const headers: Record<string, string> = { accept: 'application/hal+json, application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (authorization && new URL(url).origin === origin) headers.authorization = authorization;
    let response: TransportResponse;
    try {
      response = await transport.send(
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
      if (error instanceof TransportError) return fail('unreachable', connectionDetail(error, timeoutMs));
      throw error;
    }
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
    const said = saidBy(json, text);
    if (status === 401) {
      fail(
        'unauthorized',
        `answered 401 Unauthorized to ${purpose}, with ${describeCredentials(connection.credentials)}`,
      );
    }
    if (status === 403) {
      fail(
        'forbidden',
        `answered 403 Forbidden to ${purpose}: ${describeCredentials(connection.credentials)} may not do that`,
      );
    }
    return { status, ...(json === undefined ? {} : { json }), said };
  };

  let index: Record<string, HalLink>;
  try {
    const answer = await request('GET', `${brokerUrl}/`, 'a request for its index');
    if (answer.status >= 500) {
      fail('unexpected', `answered ${answer.status} to a request for its index: ${answer.said}`);
    }
    if (answer.status !== 200) {
      fail('not-a-broker', `is not a Pact Broker: its index (GET ${brokerUrl}/) answered ${answer.status}`);
    }
    index = linksOf(answer.json);
    if (!index['pb:provider-pacts-for-verification']) {
      fail(
        'not-a-broker',
        answer.json === undefined
          ? `is not a Pact Broker: its index (GET ${brokerUrl}/) is not JSON`
          : 'is not a Pact Broker (or one too old): its index has no pb:provider-pacts-for-verification link',
      );
    }
  } catch (error) {
    transport.close();
    throw error;
  }

  return {
    brokerUrl,
    link: (name, params = {}) => {
      const link = index[name];
      if (!link) return fail('not-a-broker', `its index has no ${name} link: a Pact Broker too old for this`);
      return expandTemplate(link.href, params);
    },
    request,
    close: () => transport.close(),
  };
};
