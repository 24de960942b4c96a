// An OpenAPI path template (`/organization/projects/{project_id}/api_keys/{key_id}`) as the one way to
// build a request path from ids and to read ids back from a path. Every request the suite sends (the
// client's, the verifier's through the gateway) and the reference provider's router use it.

/** An id that cannot be one path segment whatever its encoding: empty, `.` or `..` (URL parsers resolve them). */
export class PathSegmentError extends Error {
  override name = 'PathSegmentError';
  constructor(
    readonly parameter: string,
    readonly value: string,
  ) {
    super(`path parameter ${parameter} cannot be ${JSON.stringify(value)}: it must be one non-empty segment`);
  }
}

/**
 * `value` percent-encoded as exactly one path segment: `/ ? # %` and everything else outside the
 * unreserved set are encoded, so an id can never add a segment, a query or a fragment.
 */
export const encodePathSegment = (value: string, parameter = 'value'): string => {
  if (value === '' || value === '.' || value === '..') throw new PathSegmentError(parameter, value);
  return encodeURIComponent(value);
};

export interface PathTemplate {
  readonly template: string;
  /** The parameter names, in the order the template has them. */
  readonly parameters: readonly string[];
  /** The path with each parameter (by position) encoded as one segment. Throws a PathSegmentError. */
  expand(values: readonly string[]): string;
  /** The decoded values of a path the template produced (after `prefix`), or undefined. */
  match(pathname: string, prefix?: string): string[] | undefined;
}

const PARAMETER = /\{([^{}]+)\}/g;

export const pathTemplate = (template: string): PathTemplate => {
  const parameters = [...template.matchAll(PARAMETER)].map((m) => m[1] as string);
  const literals = template.split(PARAMETER).filter((_, i) => i % 2 === 0);
  return {
    template,
    parameters,
    expand(values) {
      if (values.length !== parameters.length) {
        throw new TypeError(`${template} takes ${parameters.length} values, got ${values.length}`);
      }
      return literals
        .map((literal, i) =>
          i < parameters.length
            ? literal + encodePathSegment(values[i] as string, parameters[i] as string)
            : literal,
        )
        .join('');
    },
    // Split by literal text, not by a regex: a hostile path costs one pass, however long it is.
    match(pathname, prefix = '') {
      if (!pathname.startsWith(prefix)) return undefined;
      let rest = pathname.slice(prefix.length);
      const values: string[] = [];
      for (const [i, literal] of literals.entries()) {
        if (!rest.startsWith(literal)) return undefined;
        rest = rest.slice(literal.length);
        if (i === parameters.length) return rest === '' ? values : undefined;
        const next = literals[i + 1] as string;
        const end = next === '' ? rest.length : rest.indexOf(next);
        const segment = rest.slice(0, end < 0 ? rest.length : end);
        if (segment === '' || segment.includes('/')) return undefined;
        try {
          values.push(decodeURIComponent(segment));
        } catch {
          return undefined;
        }
        rest = rest.slice(segment.length);
      }
      return undefined;
    },
  };
};
