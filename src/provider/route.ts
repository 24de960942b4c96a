import type { OpenApiDocument } from '../openapi/document.ts';
import { retrieveOperationOf } from '../openapi/operation.ts';
import type { StateParams } from '../pact/provider-states.ts';

// The one path the provider serves, read from the document: its template becomes the matcher.

export class RouteError extends Error {
  override name = 'RouteError';
}

/** `/v1/` → `/v1`, `v1` → `/v1`, `` or `/` → ``; a prefix is a plain path. */
export const normalizePathPrefix = (prefix = ''): string => {
  const trimmed = prefix.trim().replace(/\/+$/, '');
  if (trimmed === '') return '';
  const withSlash = trimmed.startsWith('/') ? trimmed : `/${trimmed}`;
  if (!/^(\/[A-Za-z0-9._~-]+)+$/.test(withSlash)) {
    throw new RouteError(`path prefix ${JSON.stringify(prefix)} is not a plain path like /v1`);
  }
  return withSlash;
};

/**
 * A matcher from request path to the operation's ids, or undefined for any other path: the document's
 * path template read back, under the provider's path prefix.
 */
export const routeFor = (document: OpenApiDocument, pathPrefix = '') => {
  const { path } = retrieveOperationOf(document);
  return (pathname: string): StateParams | undefined => {
    const values = path.match(pathname, pathPrefix);
    return values && { projectId: values[0] as string, keyId: values[1] as string };
  };
};

export type RouteMatcher = ReturnType<typeof routeFor>;
