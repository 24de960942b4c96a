import { fileURLToPath } from 'node:url';

// The committed pact: who is who, where it lives, and the one normal form it is written in.

export const CONSUMER = 'project-api-key-client';
export const PROVIDER = 'openai-admin-api';
export const PACT_FILE_NAME = `${CONSUMER}-${PROVIDER}.json`;
export const CONTRACT_PATH = fileURLToPath(new URL(`../../contracts/${PACT_FILE_NAME}`, import.meta.url));

// The tool versions pact-js records say which build wrote the file, not what the consumer expects:
// left in, an upgrade of pact would read as a contract change.
const TOOL_METADATA = ['pact-js', 'pactRust'];

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const sortKeys = (value: Json): Json => {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((key) => [key, sortKeys(value[key] as Json)]),
  );
};

const interactionOrder = (interaction: Json): string => {
  const { description, providerStates } = interaction as { description?: string; providerStates?: Json };
  return `${description ?? ''}\u0000${JSON.stringify(providerStates ?? [])}`;
};

/**
 * The pact as committed: tool versions dropped, interactions sorted by description (then states), keys
 * sorted at every level, two-space indent, final newline. The same interactions always give the same bytes.
 */
export const normalisePact = (text: string): string => {
  const pact = JSON.parse(text) as { [key: string]: Json };
  const metadata = pact.metadata as { [key: string]: Json } | undefined;
  if (metadata) for (const key of TOOL_METADATA) delete metadata[key];
  if (Array.isArray(pact.interactions)) {
    // Code-unit order, not localeCompare: the same on every machine whatever its ICU data.
    pact.interactions = [...pact.interactions].sort((a, b) => {
      const [left, right] = [interactionOrder(a), interactionOrder(b)];
      return left < right ? -1 : left > right ? 1 : 0;
    });
  }
  return `${JSON.stringify(sortKeys(pact), null, 2)}\n`;
};
