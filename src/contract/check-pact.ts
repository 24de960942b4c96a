import type { Finding } from '../core/finding.ts';
import { isJsonObject } from '../core/json.ts';
import { isJsonMediaType } from '../core/media-type.ts';
import type { OpenApiDocument, OperationObject, SchemaObject } from '../openapi/document.ts';
import type { SchemaValidators } from '../openapi/validators.ts';
import { matchingRulesOf } from './matching-rules.ts';
import { checkResponseRules, type DocumentedResponse } from './matching-rules-spec.ts';
import { PactFileError, parsePact } from './pact.ts';
import { headersOf } from './pact-headers.ts';
import { bodyOf, checkPactAgainstSpec, documentedKey, matchingTemplates } from './pact-spec.ts';
import { checkRequestHeaders } from './request-headers.ts';

// `pact-check` and the library's checkPact: whether any consumer's pact (V2, V3 or V4; pact-js,
// pact-jvm, pact-go) asks only for what the document promises, before any provider runs. Pure: the
// parsed pact and the document in, findings with pointers into the pact out. Built on pact ⊆ spec (each
// interaction's method, path, status and example body) with what a foreign pact needs besides: the
// request headers the document requires, and each response matching rule met by a value it allows.

export interface PactCheck {
  /** No finding is an error. */
  ok: boolean;
  findings: Finding[];
  /** The Pact specification version the pact states (`2.0.0`, `3.0.0`, `4.0`), if it states one. */
  specification: string | undefined;
  /** The tool its metadata names (`pact-js`, `pact-jvm`, `pact-go`, ...), if it names one. */
  writer: string | undefined;
  /** The HTTP interactions checked. */
  interactions: number;
}

const WRITERS = ['pact-js', 'pact-jvm', 'pact-go', 'pact-python', 'pact-net', 'pact-ruby', 'pactRust'];

/** The specification version a pact's metadata states, however its writer spells the key. */
export function specificationOf(pact: Record<string, unknown>): string | undefined {
  const metadata = isJsonObject(pact.metadata) ? pact.metadata : {};
  for (const key of ['pactSpecification', 'pact-specification']) {
    const entry = metadata[key];
    if (isJsonObject(entry) && typeof entry.version === 'string') return entry.version;
  }
  return typeof metadata.pactSpecificationVersion === 'string'
    ? metadata.pactSpecificationVersion
    : undefined;
}

function writerOf(pact: Record<string, unknown>): string | undefined {
  const metadata = isJsonObject(pact.metadata) ? pact.metadata : {};
  const client =
    isJsonObject(metadata.client) && typeof metadata.client.name === 'string'
      ? metadata.client.name
      : undefined;
  return client ?? WRITERS.find((writer) => writer in metadata);
}

/** A V4 interaction that is not HTTP (a message, a plugin's): nothing of this document's to check. */
export function isHttpInteraction(interaction: Record<string, unknown>): boolean {
  return interaction.type === undefined || interaction.type === 'Synchronous/HTTP';
}

export type CheckablePact = Record<string, unknown> & { interactions: Record<string, unknown>[] };

/**
 * The pact in `text` (from `path`) if it is one this check can judge: a pact (parsePact's rules) with at
 * least one HTTP interaction. Throws PactFileError, naming the path, when it is not.
 */
export function readPact(text: string, path: string): CheckablePact {
  const pact = parsePact(text, { path }).document;
  if (!pact.interactions.some(isHttpInteraction)) {
    throw new PactFileError(path, 'it has no HTTP interaction: nothing to check');
  }
  return pact;
}

interface Operation {
  template: string;
  operation: OperationObject;
}

function operationOf(document: OpenApiDocument, method: string, path: string): Operation | undefined {
  for (const template of matchingTemplates(document, path)) {
    const operation = document.paths[template]?.[method];
    if (isJsonObject(operation)) return { template, operation };
  }
  return undefined;
}

/** What the document says of the response an interaction expects, beside the pact's example of it. */
function documentedResponse(
  operation: OperationObject,
  response: Record<string, unknown>,
  isV4: boolean,
  at: (string | number)[],
): DocumentedResponse {
  const responses = operation.responses ?? {};
  const key = documentedKey(operation, Number(response.status));
  const documented = key === undefined ? undefined : (responses[key] as Record<string, unknown> | undefined);
  const content = (isJsonObject(documented?.content) ? documented.content : {}) as Record<
    string,
    { schema?: SchemaObject }
  >;
  const body = bodyOf(response, isV4, at);
  const mediaTypes = Object.keys(content);
  const mediaType =
    mediaTypes.find((m) => body?.contentType !== undefined && m === body.contentType.split(';')[0]) ??
    mediaTypes.find(isJsonMediaType);
  const headers = isJsonObject(documented?.headers) ? documented.headers : {};
  const headerValues: Record<string, string> = {};
  for (const [name, { value }] of headersOf(response)) if (value !== undefined) headerValues[name] = value;
  return {
    schema: mediaType === undefined ? undefined : content[mediaType]?.schema,
    example: body && !body.encoded && body.content !== undefined ? { value: body.content } : undefined,
    mediaTypes,
    headers: Object.fromEntries(
      Object.entries(headers).flatMap(([name, header]) =>
        isJsonObject(header) && isJsonObject(header.schema)
          ? [[name.toLowerCase(), header.schema as SchemaObject]]
          : [],
      ),
    ),
    headerValues,
    statuses: Object.keys(responses),
  };
}

/** The request headers and the response rules of one HTTP interaction. */
function checkInteraction(
  interaction: Record<string, unknown>,
  index: number,
  document: OpenApiDocument,
  isV4: boolean,
): Finding[] {
  const at = ['interactions', index];
  const request = isJsonObject(interaction.request) ? interaction.request : {};
  const response = isJsonObject(interaction.response) ? interaction.response : {};
  const found = operationOf(document, String(request.method ?? '').toLowerCase(), String(request.path ?? ''));
  // No such operation: pact ⊆ spec says so; there is nothing to hold the rest to.
  if (!found) return [];
  const name = `"${String(interaction.description ?? index)}"`;
  const headers = checkRequestHeaders({
    document,
    ...found,
    request,
    at: [...at, 'request'],
    status: Number(response.status),
    name,
  });
  const responseAt = [...at, 'response'];
  const rules = matchingRulesOf(response, responseAt);
  const documented = documentedResponse(found.operation, response, isV4, responseAt);
  return [...headers, ...checkResponseRules(rules, documented, document, name)];
}

const RESPONSE_BODY = /^\/interactions\/\d+\/response\/body(\/|$)/;

/**
 * A required property a response example leaves out. A consumer's example carries the fields it uses, and
 * Pact matches a response by what the example has: the provider still sends the rest, as the document
 * says. The fields the example has are held to the schema; the conformance run, which checks the
 * suite's own full-bodied pact, still counts these.
 */
function leftOut(finding: Finding): boolean {
  return finding.keyword === 'required' && RESPONSE_BODY.test(finding.pointer);
}

/**
 * Checks `pact` (parsed and known to be a pact: an object with an array of interaction objects) against
 * `document`. Interactions that are not HTTP are named in a warning and not counted.
 */
export function checkPact(
  pact: Record<string, unknown> & { interactions: Record<string, unknown>[] },
  document: OpenApiDocument,
  validators: SchemaValidators,
): PactCheck {
  const specification = specificationOf(pact);
  const isV4 = specification?.startsWith('4') === true;
  const findings = checkPactAgainstSpec(pact, document, validators).filter((f) => !leftOut(f));
  let interactions = 0;
  pact.interactions.forEach((interaction, index) => {
    if (!isHttpInteraction(interaction)) return;
    interactions++;
    findings.push(...checkInteraction(interaction, index, document, isV4));
  });
  // Interaction by interaction, in the pact's order; each interaction's own findings as they came.
  const indexOf = (finding: Finding) => Number(/^\/interactions\/(\d+)/.exec(finding.pointer)?.[1] ?? -1);
  findings.sort((a, b) => indexOf(a) - indexOf(b));
  return {
    ok: !findings.some((f) => f.severity === 'error'),
    findings,
    specification,
    writer: writerOf(pact),
    interactions,
  };
}
