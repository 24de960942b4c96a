import { isJsonObject } from '../core/json.ts';
import { pathTemplate } from '../core/path-template.ts';
import { valueAt } from '../core/pointer.ts';
import type { OpenApiDocument, OperationObject } from '../openapi/document.ts';
import { OperationError } from '../openapi/operation.ts';

// Which operation of a document is "the same" as one named by method and path: the same method and the
// same path shape. A parameter's name is not on the wire, so `{key_id}` and `{api_key_id}` are one path.

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

export interface OperationRef {
  /** Lower case, as OpenAPI keys it. */
  method: string;
  path: string;
}

export const DEFAULT_OPERATION = 'GET:/organization/projects/{project_id}/api_keys/{key_id}';

/** `GET:/a/{id}` → `{ method: 'get', path: '/a/{id}' }`. */
export const parseOperation = (text: string): OperationRef => {
  const match = /^([A-Za-z]+):(\/.*)$/.exec(text.trim());
  const method = match?.[1]?.toLowerCase();
  if (!match || !method || !METHODS.includes(method)) {
    throw new OperationError(
      `--operation must be METHOD:/path, e.g. ${DEFAULT_OPERATION}; got ${JSON.stringify(text)}`,
    );
  }
  return { method, path: match[2] as string };
};

/** The path with every parameter's name left out: `/a/{}/b/{}`. */
export const pathShape = (path: string): string => path.replace(/\{[^}/]*\}/g, '{}');

/** The path parameters' names in the order they appear in the template. */
export const templateParameters = (path: string): readonly string[] => pathTemplate(path).parameters;

export const operationLabel = (ref: OperationRef): string => `${ref.method.toUpperCase()} ${ref.path}`;

export interface LocatedOperation extends OperationRef {
  operation: OperationObject;
  /** Path-level parameters merged in, the operation's own winning, each `$ref` followed. */
  parameters: ParameterObject[];
}

export interface ParameterObject {
  name: string;
  in: string;
  required?: boolean;
  schema?: unknown;
  [keyword: string]: unknown;
}

const parameterOf = (given: unknown, document: OpenApiDocument, where: string): ParameterObject => {
  let parameter = given;
  for (let hops = 0; isJsonObject(parameter) && typeof parameter.$ref === 'string' && hops < 16; hops++) {
    const ref = parameter.$ref as string;
    parameter = ref.startsWith('#') ? valueAt(document, decodeURIComponent(ref.slice(1))) : undefined;
    if (parameter === undefined) throw new OperationError(`Can't resolve $ref at ${ref} (${where})`);
  }
  if (!isJsonObject(parameter) || typeof parameter.name !== 'string' || typeof parameter.in !== 'string') {
    throw new OperationError(`a parameter of ${where} has no name or in`);
  }
  return parameter as ParameterObject;
};

/** The operation of `document` with the method and path shape of `ref`; OperationError when none or several. */
export const locateOperation = (
  document: OpenApiDocument,
  ref: OperationRef,
  name: string,
): LocatedOperation => {
  const shape = pathShape(ref.path);
  const matches = Object.entries(document.paths).filter(
    ([path, item]) => pathShape(path) === shape && isJsonObject(item?.[ref.method]),
  );
  if (matches.length === 0) {
    throw new OperationError(
      `${name} has no operation ${operationLabel(ref)} (nor any ${ref.method.toUpperCase()} ${shape})`,
    );
  }
  if (matches.length > 1) {
    throw new OperationError(
      `${name} has several operations ${ref.method.toUpperCase()} ${shape}: ${matches.map(([path]) => path).join(', ')}`,
    );
  }
  const [path, item] = matches[0] as [string, Record<string, unknown>];
  const operation = item[ref.method] as OperationObject;
  const where = `${ref.method.toUpperCase()} ${path} in ${name}`;
  const own = (Array.isArray(operation.parameters) ? operation.parameters : []).map((p) =>
    parameterOf(p, document, where),
  );
  const inherited = (Array.isArray(item.parameters) ? item.parameters : [])
    .map((p) => parameterOf(p, document, where))
    .filter((p) => !own.some((o) => o.name === p.name && o.in === p.in));
  return { method: ref.method, path, operation, parameters: [...own, ...inherited] };
};
