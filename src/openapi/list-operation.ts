import { type PathTemplate, pathTemplate } from '../core/path-template.ts';
import { componentOfRef, type OpenApiDocument } from './document.ts';

// The list operation beside the retrieve one ("List project API keys", newer documents only): its path
// template, the component its 200 body is, and the bounds of its `limit`. Discovery and --sweep read
// every key of a project through it; the reference provider serves it.

export const LIST_OPERATION_ID = 'list-project-api-keys';

export interface ListOperation {
  method: 'GET';
  /** The template as the document writes it, with one path parameter: the project id. */
  path: PathTemplate;
  /** The component the 200 body is (`ProjectApiKeyListResponse`). */
  component: string;
  /** What `limit` may be, as the document says (1 to 100, default 20 in today's document). */
  limit: { min: number; max: number; default: number };
}

/** The document's own words beat these; they are what today's public document says. */
const LIMIT_FALLBACK = { min: 1, max: 100, default: 20 } as const;

/** "Limit can range between 1 and 100, and the default is 20.": the prose today's document uses. */
const limitOf = (parameter: Record<string, unknown> | undefined): ListOperation['limit'] => {
  const schema = (parameter?.schema ?? {}) as Record<string, unknown>;
  const range = /between (\d+) and (\d+)/.exec(String(parameter?.description ?? ''));
  const number = (value: unknown, fallback: number) =>
    typeof value === 'number' && Number.isInteger(value) && value > 0 ? value : fallback;
  return {
    min: number(schema.minimum, Number(range?.[1] ?? LIMIT_FALLBACK.min)),
    max: number(schema.maximum, Number(range?.[2] ?? LIMIT_FALLBACK.max)),
    default: number(schema.default, LIMIT_FALLBACK.default),
  };
};

/** The list operation of `document`, found by its operationId; undefined when the document has none. */
export function listOperationOf(document: OpenApiDocument): ListOperation | undefined {
  for (const [template, item] of Object.entries(document.paths)) {
    const operation = item.get;
    if (operation?.operationId !== LIST_OPERATION_ID) continue;
    const path = pathTemplate(template);
    const schema = operation.responses?.['200']?.content?.['application/json']?.schema;
    const component = componentOfRef(schema?.$ref);
    if (path.parameters.length !== 1 || component === undefined) return undefined;
    const limit = (operation.parameters ?? []).find((p) => p.name === 'limit' && p.in === 'query');
    return { method: 'GET', path, component, limit: limitOf(limit as Record<string, unknown> | undefined) };
  }
  return undefined;
}
