import type { Finding } from '../core/finding.ts';
import { isJsonObject } from '../core/json.ts';
import { isJsonMediaType } from '../core/media-type.ts';
import { asOpenAIError, ERROR_RESPONSE_STATUSES } from '../core/openai-error.ts';
import { pathTemplate } from '../core/path-template.ts';
import { toPointer } from '../core/pointer.ts';
import {
  componentOfRef,
  type OpenApiDocument,
  type OperationObject,
  type SchemaObject,
} from '../openapi/document.ts';
import type { SchemaValidators } from '../openapi/validators.ts';

// Pact ⊆ spec: every interaction the consumer relies on is one the document promises. Pure: the pact
// and the document in, findings with pointers into the pact file out.
//
// Hand-written on purpose, not on PactFlow's libraries, for two measured reasons (issue 12, item 5;
// `npx tsx scripts/bench-pact-spec.ts`, Node 20, a busy shared 2-core machine, so indicative):
// - Cost. Import plus one comparison of the committed pact, in a fresh process that has the document
//   and validators loaded already: this module 22-34 ms; @pactflow/openapi-pact-comparator 1.7.0
//   350-560 ms (2.3.1, which asks for Node 22, 460 ms); @pactflow/swagger-mock-validator 14.5.0
//   1.8-2.0 s. A whole conformance run took 0.7 s cold under the same load (0.3 s on a quiet
//   machine): the comparator would add half again or more to every run, for checks this module
//   does in 1 ms.
// - Coverage. On every case test/contract/pact-spec.test.ts states, both comparator versions say
//   nothing about a 200 body missing a required property (by design: a pact may leave fields out) or
//   a 200 with no body at all; they call an undeclared property an error against the whole body, not
//   a warning at the property; 1.7.0 throws on something that is not a pact. Mapping their results
//   would still need this module's own body check, and their API is async where this one is not.
// The libraries agree with this module on the committed pact (two undocumented statuses, 404 and 401);
// the swagger-mock-validator cross-check in the tests keeps it that way.

type Json = Record<string, unknown>;

const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

/** The document's path templates that match a concrete path, most literal first. */
export const matchingTemplates = (document: OpenApiDocument, path: string): string[] =>
  Object.keys(document.paths)
    .filter((template) => pathTemplate(template).match(path) !== undefined)
    .sort((a, b) => (a.match(/\{/g)?.length ?? 0) - (b.match(/\{/g)?.length ?? 0));

/** The response key that documents a status: exact, then its range (`4XX`), then `default`. */
export const documentedKey = (operation: OperationObject, status: number): string | undefined => {
  const responses = operation.responses ?? {};
  const keys = Object.keys(responses);
  return (
    keys.find((key) => key === String(status)) ??
    keys.find((key) => key.toUpperCase() === `${String(status)[0]}XX`) ??
    keys.find((key) => key === 'default')
  );
};

/** Where a pact keeps a response body: V4 wraps it as `{ content, contentType, encoded }`. */
export const bodyOf = (response: Json, isV4: boolean, at: (string | number)[]) => {
  if (!('body' in response) || response.body === undefined || response.body === null) return undefined;
  if (!isV4) return { content: response.body, contentType: undefined, encoded: false, at: [...at, 'body'] };
  const body = response.body as Json;
  return {
    content: body.content,
    contentType: typeof body.contentType === 'string' ? body.contentType : undefined,
    encoded: body.encoded !== undefined && body.encoded !== false,
    at: [...at, 'body', 'content'],
  };
};

const finding = (
  at: (string | number)[],
  severity: Finding['severity'],
  keyword: string,
  message: string,
): Finding => ({ pointer: toPointer(at), severity, keyword, message });

interface Context {
  document: OpenApiDocument;
  validators: SchemaValidators;
  isV4: boolean;
}

type PactBody = NonNullable<ReturnType<typeof bodyOf>>;

/** The operation a method and path name in the document, or the one finding that says why there is none. */
function operationFor(
  document: OpenApiDocument,
  method: string,
  path: string,
  base: (string | number)[],
  name: string,
): { template: string; operation: OperationObject } | Finding {
  const templates = matchingTemplates(document, path);
  if (templates.length === 0) {
    const known = Object.keys(document.paths).join(', ');
    return finding(
      [...base, 'request', 'path'],
      'error',
      'path',
      `${name}: no path of the document matches ${path} (paths: ${known})`,
    );
  }
  const template =
    templates.find((t) => isJsonObject(document.paths[t]?.[method])) ?? (templates[0] as string);
  const operation = document.paths[template]?.[method];
  if (!HTTP_METHODS.includes(method) || operation === undefined) {
    const declared = Object.keys(document.paths[template] ?? {})
      .filter((m) => HTTP_METHODS.includes(m))
      .map((m) => m.toUpperCase());
    return finding(
      [...base, 'request', 'method'],
      'error',
      'method',
      `${name}: ${template} has no ${method.toUpperCase() || '(no method)'} operation (declared: ${declared.join(', ')})`,
    );
  }
  return { template, operation };
}

/** A status the operation does not document: a warning when it is OpenAI's error answer, else an error. */
function undocumentedStatus(
  undocumented: string,
  status: number,
  body: PactBody | undefined,
  at: (string | number)[],
): Finding {
  const errorShaped = body !== undefined && !body.encoded && asOpenAIError(body.content) !== undefined;
  if (!ERROR_RESPONSE_STATUSES.includes(status)) return finding(at, 'error', 'status', undocumented);
  return errorShaped
    ? finding(at, 'warning', 'status', `${undocumented}; accepted as an OpenAI error response`)
    : finding(at, 'error', 'status', `${undocumented} and its body is not an OpenAI error body`);
}

/** The interaction's body against the schema its documented response names, when it is JSON. */
function bodyFindings(
  operation: OperationObject,
  key: string,
  body: PactBody | undefined,
  validators: SchemaValidators,
  at: (string | number)[],
  name: string,
  operationName: string,
): Finding[] {
  const content: Record<string, { schema?: SchemaObject }> = operation.responses?.[key]?.content ?? {};
  const mediaTypes = Object.keys(content);
  const mediaType =
    mediaTypes.find((m) => body?.contentType !== undefined && m === body.contentType.split(';')[0]) ??
    mediaTypes.find(isJsonMediaType);
  if (mediaType === undefined) return [];
  if (body === undefined) {
    return [
      finding(
        at,
        'error',
        'body',
        `${name}: ${operationName} ${key} documents a ${mediaType} body; the interaction has none`,
      ),
    ];
  }
  if (body.encoded)
    return [finding(body.at, 'warning', 'body', `${name}: the body is encoded, not JSON; not checked`)];
  const component = componentOfRef(content[mediaType]?.schema?.$ref);
  if (!component || !validators.has(component)) {
    return [
      finding(body.at, 'warning', 'body', `${name}: the response schema is not a component; not checked`),
    ];
  }
  return validators.validate(component, body.content).findings.map((f) => ({
    ...f,
    pointer: toPointer(body.at) + f.pointer,
    message: `${name}: ${f.message} (${component})`,
  }));
}

function checkInteraction(interaction: unknown, index: number, context: Context): Finding[] {
  const { document, validators, isV4 } = context;
  const base = ['interactions', index];
  if (!isJsonObject(interaction)) return [finding(base, 'error', 'pact', 'interaction is not an object')];
  const name = `"${String(interaction.description ?? index)}"`;
  if (interaction.type !== undefined && interaction.type !== 'Synchronous/HTTP') {
    return [
      finding(
        [...base, 'type'],
        'warning',
        'pact',
        `${name}: ${String(interaction.type)} is not HTTP; not checked`,
      ),
    ];
  }
  const request = isJsonObject(interaction.request) ? interaction.request : {};
  const response = isJsonObject(interaction.response) ? interaction.response : {};
  const method = String(request.method ?? '').toLowerCase();
  // With fromProviderState the example path is stored in `path`, the expression in `generators`.
  const path = String(request.path ?? '');
  const found = operationFor(document, method, path, base, name);
  if ('pointer' in found) return [found];
  const { template, operation } = found;

  const operationName = `${method.toUpperCase()} ${template}`;
  const status = Number(response.status);
  const body = bodyOf(response, isV4, [...base, 'response']);
  const key = documentedKey(operation, status);
  if (key === undefined) {
    const undocumented = `${name}: status ${status} is not documented for ${operationName} (documented: ${Object.keys(operation.responses ?? {}).join(', ')})`;
    return [undocumentedStatus(undocumented, status, body, [...base, 'response', 'status'])];
  }
  return bodyFindings(operation, key, body, validators, [...base, 'response'], name, operationName);
}

/**
 * Checks each HTTP interaction of `pact` against `document`: its method and (example) path match an
 * operation, its status is documented for it, and its body validates against the documented schema.
 * An undocumented 401/403/404/429 with OpenAI's error body is a warning naming the status (the real
 * service sends them; the document does not list them); any other undocumented status is an error.
 */
export const checkPactAgainstSpec = (
  pact: unknown,
  document: OpenApiDocument,
  validators: SchemaValidators,
): Finding[] => {
  if (!isJsonObject(pact) || !Array.isArray(pact.interactions)) {
    return [finding(['interactions'], 'error', 'pact', 'not a pact: no interactions array')];
  }
  const version = (pact.metadata as { pactSpecification?: { version?: unknown } } | undefined)
    ?.pactSpecification?.version;
  const context = { document, validators, isV4: typeof version === 'string' && version.startsWith('4') };
  return pact.interactions.flatMap((interaction: unknown, index: number) =>
    checkInteraction(interaction, index, context),
  );
};
