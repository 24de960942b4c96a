import { fileURLToPath } from 'node:url';
import type { DocumentVersion } from '../openapi/default-path.ts';

// The committed pacts: who is who, where they live, and the one normal form they are written in.

export const PROVIDER = 'openai-admin-api';

export interface Contract {
  consumer: string;
  fileName: string;
  /** Under contracts/. */
  path: string;
}

function contractOf(consumer: string): Contract {
  const fileName = `${consumer}-${PROVIDER}.json`;
  return {
    consumer,
    fileName,
    path: fileURLToPath(new URL(`../../contracts/${fileName}`, import.meta.url)),
  };
}

/**
 * One pact per shipped version of the document, generated the same way from each. The consumers are named
 * apart, so a Pact Broker keeps the two contracts apart and a verification can select either.
 */
export const CONTRACTS: Record<DocumentVersion, Contract> = {
  seed: contractOf('project-api-key-client'),
  current: contractOf('project-api-key-client-current'),
};

/** The seed's pact: the project's contract. */
export const CONSUMER = CONTRACTS.seed.consumer;
export const PACT_FILE_NAME = CONTRACTS.seed.fileName;
export const CONTRACT_PATH = CONTRACTS.seed.path;

// The tool versions pact-js records say which build wrote the file, not what the consumer expects:
// left in, an upgrade of pact would read as a contract change.
const TOOL_METADATA = ['pact-js', 'pactRust'];

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function sortKeys(value: Json): Json {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((key) => [key, sortKeys(value[key] as Json)]),
  );
}

function interactionOrder(interaction: Json): string {
  const { description, providerStates } = interaction as { description?: string; providerStates?: Json };
  return `${description ?? ''}\u0000${JSON.stringify(providerStates ?? [])}`;
}

/**
 * The pact as committed: tool versions dropped, interactions sorted by description (then states), keys
 * sorted at every level, two-space indent, final newline. The same interactions always give the same bytes.
 */
export function normalisePact(text: string): string {
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
}
