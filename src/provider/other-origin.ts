import type { IncomingMessage, ServerResponse } from 'node:http';
import { listen } from './listen.ts';
import { ERRORS, jsonReply, writeReply } from './responses.ts';

// The other origin `cross-origin-redirect` points at: it records whether credentials followed the redirect.

export interface OtherOriginRequest {
  method: string;
  path: string;
  /** Whether an Authorization header arrived; its value is never kept. */
  authorization: boolean;
}

export interface OtherOrigin {
  /** `http://host:port` of the other origin. */
  url: string;
  /** Every request it received, in order. */
  readonly requests: readonly OtherOriginRequest[];
  /** True once any request arrived carrying an Authorization header. */
  sawAuthorization(): boolean;
  close(): Promise<void>;
}

/**
 * Starts the other origin on a free port of `host`. It answers like the provider would (`answer`), but
 * without asking for credentials, so a client that follows the redirect sees a plausible success.
 */
export async function startOtherOrigin(
  host: string,
  answer: (pathname: string) => unknown,
): Promise<OtherOrigin> {
  const requests: OtherOriginRequest[] = [];
  const handler = (req: IncomingMessage, res: ServerResponse) => {
    const startedAt = performance.now();
    const pathname = new URL(req.url ?? '/', 'http://other.invalid').pathname;
    requests.push({
      method: req.method ?? 'GET',
      path: pathname,
      authorization: 'authorization' in req.headers,
    });
    const body = answer(pathname);
    const reply =
      body === undefined ? ERRORS.unknownPath(req.method ?? 'GET', pathname) : jsonReply(200, body);
    writeReply(req, res, startedAt, reply);
  };
  const server = await listen(handler, 0, host);
  return {
    url: server.origin,
    requests,
    sawAuthorization: () => requests.some((request) => request.authorization),
    close: () => server.close(),
  };
}
