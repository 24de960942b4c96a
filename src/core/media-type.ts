/** `application/json`, or a `+json` type, with or without parameters: what the endpoint must answer with. */
export function isJsonMediaType(contentType: string | null | undefined): boolean {
  return (
    typeof contentType === 'string' && /^application\/(?:[\w.-]+\+)?json\s*(?:;|$)/i.test(contentType.trim())
  );
}
