import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parsePointer } from '../src/core/pointer.ts';
import { CURRENT_SPEC_PATH } from '../src/openapi/default-path.ts';
import { loadDocument } from '../src/openapi/document.ts';

export const repoPath = (relative: string): string =>
  fileURLToPath(new URL(`../${relative}`, import.meta.url));

/** The seed document, as the project ships it. */
export const seed = loadDocument();

/** The newer public document (OpenAPI 3.1), as the project ships it (see schemas/README.md). */
export const NEWER_SPEC_PATH = CURRENT_SPEC_PATH;
/** The seed's docs page the contract was copied from (see test/fixtures/README.md). */
export const SEED_PAGE_PATH = repoPath('test/fixtures/seed-page-000_20490269124822ef.txt');

export const readText = (path: string): string => readFileSync(path, 'utf8');

/** An edit of a JSON body at a pointer: a value to set, or `drop` to delete the property. */
export const drop = Symbol('drop');
export type Edit = [pointer: string, value: unknown];

/** A copy of `body` with each edit applied; tests state broken payloads as data. */
export const edited = <T>(body: T, ...edits: Edit[]): T => {
  const copy = structuredClone(body);
  for (const [pointer, value] of edits) {
    const tokens = parsePointer(pointer);
    const last = tokens.pop();
    if (last === undefined) throw new Error('cannot edit the root');
    let parent = copy as Record<string, unknown>;
    for (const token of tokens) parent = parent[token] as Record<string, unknown>;
    if (value === drop) delete parent[last];
    else parent[last] = value;
  }
  return copy;
};
