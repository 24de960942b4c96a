import { isJsonObject } from './json.ts';
// OpenAI's error body, as the real service sends it with 401, 403, 404 and 429 (not in the document).

export interface OpenAIErrorBody {
  error: { message: string; type: string; param?: string | null; code?: string | null };
}

/** An error body as the service writes one: `param` null, `code` given or null. */
export const errorBody = (message: string, type: string, code: string | null = null): OpenAIErrorBody => ({
  error: { message, type, param: null, code },
});

/** The statuses the service answers with an error body although the document does not list them. */
export const ERROR_RESPONSE_STATUSES: readonly number[] = [401, 403, 404, 429];

const isOptionalString = (value: unknown) =>
  value === undefined || value === null || typeof value === 'string';

/** The body as OpenAI's error shape, or undefined when it is something else. */
export const asOpenAIError = (body: unknown): OpenAIErrorBody | undefined => {
  if (!isJsonObject(body) || !isJsonObject(body.error)) return undefined;
  const { message, type, param, code } = body.error;
  if (typeof message !== 'string' || typeof type !== 'string') return undefined;
  if (!isOptionalString(param) || !isOptionalString(code)) return undefined;
  return body as unknown as OpenAIErrorBody;
};
