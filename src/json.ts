/** A JSON object (not null, not an array): what bodies, documents and pacts are read as. */
export const isJsonObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);
