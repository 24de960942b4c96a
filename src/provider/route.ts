import type { StateParams } from '../contract/states.ts';
import type { OpenApiDocument } from '../spec/document.ts';

// The one path the provider serves, read from the document: its template becomes the matcher.

export const OPERATION_ID = 'retrieve-project-api-key';

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

const templateOf = (document: OpenApiDocument): string => {
  for (const [template, item] of Object.entries(document.paths)) {
    if (item.get?.operationId === OPERATION_ID) return template;
  }
  throw new RouteError(`the document has no GET operation ${OPERATION_ID}`);
};

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * A matcher from request path to the operation's ids, or undefined for any other path. The template's
 * two parameters are taken in order: the project, then the key (the public spec renamed `key_id` once).
 */
export const routeFor = (document: OpenApiDocument, pathPrefix = '') => {
  const template = templateOf(document);
  const source = template
    .split(/(\{[^}]+\})/)
    .map((part) => (part.startsWith('{') ? '([^/]+)' : escapeRegExp(part)))
    .join('');
  const pattern = new RegExp(`^${escapeRegExp(pathPrefix)}${source}$`);
  return (pathname: string): StateParams | undefined => {
    const match = pattern.exec(pathname);
    if (match?.length !== 3) return undefined;
    try {
      return {
        projectId: decodeURIComponent(match[1] as string),
        keyId: decodeURIComponent(match[2] as string),
      };
    } catch {
      return undefined;
    }
  };
};

export type RouteMatcher = ReturnType<typeof routeFor>;
