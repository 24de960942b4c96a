import type { Finding } from '../core/finding.ts';
import { isJsonObject } from '../core/json.ts';
import { toPointer, valueAt } from '../core/pointer.ts';
import type { OpenApiDocument, OperationObject } from '../openapi/document.ts';
import { headersOf } from './pact-headers.ts';

// The request headers a document requires of an operation, and whether an interaction's request has
// them: header parameters marked required, and the headers its security schemes put the credentials in
// (`http` and `oauth2`/`openIdConnect`: Authorization; `apiKey` in a header: that header). A security
// requirement is a list of alternatives; a request that meets any one meets it. Values are never shown:
// an Authorization header in a pact may hold a real key.

export interface RequiredHeader {
  /** As the document spells it. */
  name: string;
  /** For Authorization under an `http` scheme: `bearer`, `basic`. */
  scheme?: string;
  /** Why it is required, for the message: `security scheme ApiKeyAuth (bearer)`, `header parameter X`. */
  why: string;
}

/** `#/components/...` followed once, for parameters and schemes given by `$ref`. */
function dereferenced(value: unknown, document: OpenApiDocument): unknown {
  if (!isJsonObject(value) || typeof value.$ref !== 'string' || !value.$ref.startsWith('#/')) return value;
  return valueAt(document, value.$ref.slice(1));
}

function headerParameters(
  document: OpenApiDocument,
  template: string,
  operation: OperationObject,
): RequiredHeader[] {
  const item = document.paths[template] as Record<string, unknown> | undefined;
  const parameters = [
    ...(Array.isArray(item?.parameters) ? item.parameters : []),
    ...(operation.parameters ?? []),
  ];
  return parameters
    .map((parameter) => dereferenced(parameter, document))
    .filter((p): p is Record<string, unknown> => isJsonObject(p) && p.in === 'header' && p.required === true)
    .map((p) => ({ name: String(p.name), why: `header parameter ${String(p.name)}` }));
}

/** Each alternative of the operation's security requirement as the headers it needs; undefined: none is header-borne. */
function securityAlternatives(
  document: OpenApiDocument,
  operation: OperationObject,
): RequiredHeader[][] | undefined {
  const requirement =
    (operation as { security?: unknown }).security ?? (document as { security?: unknown }).security;
  if (!Array.isArray(requirement) || requirement.length === 0) return undefined;
  const schemes = (document.components?.securitySchemes ?? {}) as Record<string, unknown>;
  const alternatives: RequiredHeader[][] = [];
  for (const alternative of requirement) {
    if (!isJsonObject(alternative)) continue;
    const headers: RequiredHeader[] = [];
    for (const name of Object.keys(alternative)) {
      const scheme = dereferenced(schemes[name], document);
      if (!isJsonObject(scheme)) return undefined;
      if (scheme.type === 'http') {
        const kind = String(scheme.scheme ?? '').toLowerCase();
        headers.push({ name: 'Authorization', scheme: kind, why: `security scheme ${name} (${kind})` });
      } else if (scheme.type === 'oauth2' || scheme.type === 'openIdConnect') {
        headers.push({
          name: 'Authorization',
          scheme: 'bearer',
          why: `security scheme ${name} (${scheme.type})`,
        });
      } else if (scheme.type === 'apiKey' && scheme.in === 'header') {
        headers.push({ name: String(scheme.name), why: `security scheme ${name} (API key)` });
      } else {
        return undefined; // a query or cookie credential: not a header to look for
      }
    }
    alternatives.push(headers);
  }
  return alternatives;
}

export interface RequestHeaderCheck {
  document: OpenApiDocument;
  template: string;
  operation: OperationObject;
  /** The interaction's request, and its pointer tokens in the pact. */
  request: Record<string, unknown>;
  at: (string | number)[];
  /** The response status it expects: a 4xx may be a test of leaving a header out. */
  status: number;
  /** The interaction's name, for messages. */
  name: string;
}

/** Why the request does not meet `header`, or undefined when it does. */
function unmet(header: RequiredHeader, present: ReturnType<typeof headersOf>): string | undefined {
  const found = present.get(header.name.toLowerCase());
  if (!found) return `the document requires the ${header.name} header (${header.why}); the request has none`;
  if (header.scheme && header.scheme !== '' && found.value !== undefined) {
    const given = found.value.trim().split(/\s+/)[0]?.toLowerCase() ?? '';
    if (given !== header.scheme) {
      return `${found.spelt} does not carry ${header.scheme} credentials (${header.why}); it starts ${JSON.stringify(given)}`;
    }
  }
  return undefined;
}

/** The required headers an interaction's request lacks: errors, or warnings when it expects a 4xx. */
export function checkRequestHeaders(check: RequestHeaderCheck): Finding[] {
  const { document, template, operation, request, at, status, name } = check;
  const present = headersOf(request);
  const severity = status >= 400 && status < 500 ? 'warning' : 'error';
  const refusal =
    severity === 'warning' ? `; the interaction expects ${status}, so it may test that refusal` : '';
  const pointer = toPointer(isJsonObject(request.headers) ? [...at, 'headers'] : at);
  const findings: Finding[] = headerParameters(document, template, operation).flatMap((header) => {
    const reason = unmet(header, present);
    return reason ? [{ pointer, severity, keyword: 'header', message: `${name}: ${reason}${refusal}` }] : [];
  });
  const alternatives = securityAlternatives(document, operation);
  if (alternatives && !alternatives.some((headers) => headers.every((header) => !unmet(header, present)))) {
    const reasons = alternatives.flatMap((headers) =>
      headers.map((header) => unmet(header, present)).filter(Boolean),
    );
    findings.push({
      pointer,
      severity,
      keyword: 'security',
      message: `${name}: ${reasons.join('; or ')}${refusal}`,
    });
  }
  return findings;
}
