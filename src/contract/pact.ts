import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fsReason } from '../core/fs-error.ts';
import { isJsonObject, MAX_JSON_DEPTH, nestedDeeperThan } from '../core/json.ts';
import type { BrokerPactFacts } from '../pact/broker-facts.ts';

// The pacts a run verifies: where each comes from (a file, perhaps fetched from a broker), read and
// validated once. Everything later (pact ⊆ spec, the verifier, the reports) works from a LoadedPact.

/** A pact to verify: a local file, plus what a broker said about it when it came from one. */
export interface PactSource extends BrokerPactFacts {
  /** The pact file on disk (a broker's pact is written to a file first). */
  path: string;
  /** The name checks and reports use for this pact; default: its consumer's name, made unique. */
  id?: string;
}

/** An interaction as the run needs it: its name and the provider state it asks for. */
export interface PactInteraction {
  description: string;
  /** The first provider state's name, when it has one. */
  state: string | undefined;
  /** The names of the headers its request carries, as the pact spells them. */
  requestHeaders: string[];
}

export interface LoadedPact {
  source: PactSource;
  id: string;
  path: string;
  sha256: string;
  consumer: string;
  provider: string;
  /** The parsed file, for checks that read the whole pact (pact ⊆ spec). */
  document: { interactions: Record<string, unknown>[] } & Record<string, unknown>;
  interactions: PactInteraction[];
}

/** A pact file that cannot be read or is not a usable pact: the person's configuration, exit 2. */
export class PactFileError extends Error {
  override name = 'PactFileError';
  constructor(
    readonly path: string,
    readonly reason: string,
  ) {
    super(`cannot use pact ${path}: ${reason}`);
  }
}

const nameOf = (party: unknown, fallback: string): string =>
  isJsonObject(party) && typeof party.name === 'string' && party.name !== '' ? party.name : fallback;

const stateOf = (interaction: Record<string, unknown>): string | undefined => {
  const states = interaction.providerStates ?? interaction.provider_states;
  if (Array.isArray(states) && isJsonObject(states[0]) && typeof states[0].name === 'string') {
    return states[0].name;
  }
  // Pact V2 names one state as a string.
  return typeof interaction.providerState === 'string' ? interaction.providerState : undefined;
};

const headerNamesOf = (interaction: Record<string, unknown>): string[] => {
  const request = interaction.request;
  return isJsonObject(request) && isJsonObject(request.headers) ? Object.keys(request.headers) : [];
};

/** Parses and validates one pact file's text: `interactions` must be a non-empty array of objects. */
export const parsePact = (text: string, source: PactSource): Omit<LoadedPact, 'id'> => {
  const { path } = source;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new PactFileError(path, `not a pact file (${(error as Error).message.split('\n')[0]})`);
  }
  if (!isJsonObject(parsed)) throw new PactFileError(path, 'not a pact file (not a JSON object)');
  // Refused here, so nothing that reads the pact later walks a value deep enough to exhaust the stack.
  if (nestedDeeperThan(parsed)) {
    throw new PactFileError(
      path,
      `it nests more than ${MAX_JSON_DEPTH} levels deep, deeper than the Pact verifier reads a pact`,
    );
  }
  const { interactions } = parsed;
  if (!Array.isArray(interactions)) throw new PactFileError(path, 'not a pact file (no interactions array)');
  if (interactions.length === 0) throw new PactFileError(path, 'it has no interactions: nothing to verify');
  const bad = interactions.findIndex((interaction) => !isJsonObject(interaction));
  if (bad >= 0) {
    const shown = String(JSON.stringify(interactions[bad])).slice(0, 40);
    throw new PactFileError(path, `interaction ${bad} is ${shown}, not an object`);
  }
  const objects = interactions as Record<string, unknown>[];
  return {
    source,
    path,
    sha256: createHash('sha256').update(text).digest('hex'),
    consumer: nameOf(parsed.consumer, 'unnamed consumer'),
    provider: nameOf(parsed.provider, 'unnamed provider'),
    document: parsed as LoadedPact['document'],
    interactions: objects.map((interaction, index) => ({
      description:
        typeof interaction.description === 'string' ? interaction.description : `interaction ${index}`,
      state: stateOf(interaction),
      requestHeaders: headerNamesOf(interaction),
    })),
  };
};

/** Reads and validates each pact once; ids default to the consumer's name, suffixed `-2`, `-3` when repeated. */
export const loadPacts = (sources: readonly PactSource[]): LoadedPact[] => {
  const taken = new Set<string>();
  return sources.map((source) => {
    let text: string;
    try {
      text = readFileSync(source.path, 'utf8');
    } catch (error) {
      throw new PactFileError(source.path, fsReason(error));
    }
    const pact = parsePact(text, source);
    const wanted = source.id ?? pact.consumer;
    let id = wanted;
    for (let n = 2; taken.has(id); n++) id = `${wanted}-${n}`;
    taken.add(id);
    return { ...pact, id };
  });
};

/** Whether a pact's failures only warn: pending, or work in progress. */
export const isPending = (pact: Pick<LoadedPact, 'source'>): boolean =>
  pact.source.pending === true || pact.source.wip === true;
