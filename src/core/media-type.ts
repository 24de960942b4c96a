/** `application/json`, or a `+json` type, with or without parameters: what the endpoint must answer with. */
export const isJsonMediaType = (contentType: string | null | undefined): boolean =>
  typeof contentType === 'string' && /^application\/(?:[\w.-]+\+)?json\s*(?:;|$)/i.test(contentType.trim());
