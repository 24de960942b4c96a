import { randomUUID } from 'node:crypto';
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { errorBody } from '../core/openai-error.ts';

// Replies as data, then written the way the real service writes them: JSON, OpenAI's error body, and its
// common headers. The faults that are about the wire (hang, reset, truncation, endless body) are kinds here.

export const OPENAI_VERSION = '2020-10-01';
export const OPENAI_ORGANIZATION = 'org-reference-provider';
export const JSON_TYPE = 'application/json';

export type Reply =
  | { kind: 'send'; status: number; contentType: string; text: string; headers?: OutgoingHttpHeaders }
  /** Never answer; the socket stays open until the client gives up or the server closes. */
  | { kind: 'hang' }
  /** Destroy the connection before any response. */
  | { kind: 'reset' }
  /** Promise all of `text` in content-length, send half of it, close the connection. */
  | { kind: 'truncate'; status: number; text: string }
  /** Status 200, `head`, then `*`s up to `totalBytes`, chunked, honouring backpressure. */
  | { kind: 'stream'; head: string; totalBytes: number; chunkBytes: number };

export const textReply = (
  status: number,
  contentType: string,
  text: string,
  headers?: OutgoingHttpHeaders,
): Reply => ({ kind: 'send', status, contentType, text, ...(headers && { headers }) });

export const jsonReply = (status: number, body: unknown, headers?: OutgoingHttpHeaders): Reply =>
  textReply(status, JSON_TYPE, JSON.stringify(body), headers);

/** The headers every response carries; `startedAt` is the request's `performance.now()`. */
export const commonHeaders = (startedAt: number): OutgoingHttpHeaders => ({
  'x-request-id': `req_${randomUUID().replaceAll('-', '')}`,
  'openai-organization': OPENAI_ORGANIZATION,
  'openai-processing-ms': String(Math.max(1, Math.round(performance.now() - startedAt))),
  'openai-version': OPENAI_VERSION,
});

const stream = (res: ServerResponse, head: string, totalBytes: number, chunkBytes: number): void => {
  const chunk = Buffer.alloc(chunkBytes, '*'); // one buffer, written again and again: never the whole body
  const first = Buffer.from(head).subarray(0, totalBytes);
  let remaining = totalBytes - first.length;
  const pump = () => {
    while (remaining > 0 && !res.destroyed) {
      const size = Math.min(chunkBytes, remaining);
      remaining -= size;
      if (!res.write(size === chunkBytes ? chunk : chunk.subarray(0, size))) {
        res.once('drain', pump);
        return;
      }
    }
    if (!res.destroyed) res.end();
  };
  if (res.write(first)) pump();
  else res.once('drain', pump);
};

export const writeReply = (
  req: IncomingMessage,
  res: ServerResponse,
  startedAt: number,
  reply: Reply,
): void => {
  switch (reply.kind) {
    case 'hang':
      return;
    case 'reset':
      req.socket.destroy();
      return;
    case 'send':
      res.writeHead(reply.status, {
        ...commonHeaders(startedAt),
        'content-type': reply.contentType,
        'content-length': Buffer.byteLength(reply.text),
        ...reply.headers,
      });
      res.end(reply.text);
      return;
    case 'truncate': {
      const bytes = Buffer.from(reply.text);
      res.writeHead(reply.status, {
        ...commonHeaders(startedAt),
        'content-type': JSON_TYPE,
        'content-length': bytes.length,
      });
      res.write(bytes.subarray(0, Math.floor(bytes.length / 2)), () => res.destroy());
      return;
    }
    case 'stream':
      // No content-length: chunked, as an endless stream would be.
      res.writeHead(200, { ...commonHeaders(startedAt), 'content-type': JSON_TYPE });
      stream(res, reply.head, reply.totalBytes, reply.chunkBytes);
      return;
  }
};

/** The error replies the provider gives, worded after the real service; none repeats a credential. */
export const ERRORS = {
  missingKey: (): Reply =>
    jsonReply(
      401,
      errorBody(
        "You didn't provide an API key. Send your admin key in an Authorization header using Bearer auth (Authorization: Bearer YOUR_ADMIN_KEY).",
        'invalid_request_error',
        'invalid_api_key',
      ),
    ),
  invalidKey: (): Reply =>
    jsonReply(
      401,
      errorBody(
        'Incorrect API key provided. Admin keys are listed at https://platform.openai.com/settings/organization/admin-keys.',
        'invalid_request_error',
        'invalid_api_key',
      ),
    ),
  unknownProject: (projectId: string): Reply =>
    jsonReply(404, errorBody(`No project found with id '${projectId}'.`, 'invalid_request_error')),
  unknownKey: (projectId: string, keyId: string): Reply =>
    jsonReply(
      404,
      errorBody(`No API key found with id '${keyId}' in project '${projectId}'.`, 'invalid_request_error'),
    ),
  unknownPath: (method: string, pathname: string): Reply =>
    jsonReply(404, errorBody(`Invalid URL (${method} ${pathname})`, 'invalid_request_error')),
  wrongMethod: (method: string, pathname: string): Reply =>
    jsonReply(405, errorBody(`Invalid method for URL (${method} ${pathname})`, 'invalid_request_error'), {
      allow: 'GET, HEAD',
    }),
  twoKeys: (): Reply =>
    jsonReply(
      401,
      errorBody(
        'More than one Authorization header: send your admin key in one.',
        'invalid_request_error',
        'invalid_api_key',
      ),
    ),
  rateLimited: (headers: OutgoingHttpHeaders): Reply =>
    jsonReply(
      429,
      errorBody(
        'Rate limit reached for requests. Please try again shortly.',
        'requests',
        'rate_limit_exceeded',
      ),
      headers,
    ),
  overloaded: (): Reply =>
    jsonReply(503, errorBody('The server is overloaded or not ready yet.', 'server_error')),
  serverError: (): Reply =>
    jsonReply(
      500,
      errorBody('The server had an error while processing your request. Sorry about that!', 'server_error'),
    ),
};
