import { resolve } from 'node:path';
import { MatcherBuildError } from '../contract/matchers.ts';
import { PactFileError } from '../contract/pact.ts';
import { type ProviderJson, parseProviderJson } from '../core/response-json.ts';
import { DEFAULT_SPEC_PATH } from '../openapi/default-path.ts';
import { type LoadedDocument, loadDocument, SpecError } from '../openapi/document.ts';
import { type SchemaValidators, UnknownComponentError, validatorsFor } from '../openapi/validators.ts';
import type { SpecOptions } from './options.ts';

// What every entry point of the library takes from its caller, read the one way: the document (the
// shipped one, or `spec`), and a body as a value or as JSON text. Whatever the caller got wrong is a
// TypeError with one line saying what, the function's name first; never a finding, never a stack of ours.

/** Misuse, in one line: the first line of the cause's message, after the function's name. */
export function inputError(where: string, cause: unknown): TypeError {
  const message = cause instanceof Error ? cause.message : String(cause);
  return new TypeError(`${where}: ${message.split('\n')[0]}`, { cause });
}

/** The errors our modules throw for a caller's input: what `inputError` turns into a TypeError. */
export function isInputError(error: unknown): boolean {
  return (
    error instanceof SpecError ||
    error instanceof UnknownComponentError ||
    error instanceof PactFileError ||
    error instanceof MatcherBuildError ||
    error instanceof TypeError
  );
}

/** Runs `call`; a caller's mistake comes out as a TypeError naming `where`, anything else as it was. */
export function guarded<T>(where: string, call: () => T): T {
  try {
    return call();
  } catch (error) {
    throw isInputError(error) ? inputError(where, error) : error;
  }
}

export interface Spec extends LoadedDocument {
  validators: SchemaValidators;
}

// Each document is read and compiled once per process: a test file validating a thousand bodies pays once.
const specs = new Map<string, Spec>();

/** The document `options.spec` names (default: the shipped one) with its validators. Throws SpecError. */
export function specOf(options: SpecOptions | undefined): Spec {
  const given = options?.spec;
  if (given !== undefined && (typeof given !== 'string' || given === '')) {
    throw new TypeError(
      `spec must be the path of an OpenAPI document, got ${JSON.stringify(given) ?? String(given)}`,
    );
  }
  const path = given === undefined ? DEFAULT_SPEC_PATH : resolve(given);
  let spec = specs.get(path);
  if (!spec) {
    const loaded = loadDocument(path);
    spec = { ...loaded, validators: validatorsFor(loaded.document, loaded.sha256) };
    specs.set(path, spec);
  }
  return spec;
}

/** Deeper than any body a schema here describes; deeper is refused rather than walked. */
const MAX_DEPTH = 1000;

/** Why `value` is not a JSON value (undefined, a function, NaN, a Date, a cycle...), or undefined if it is. */
function notJson(value: unknown): string | undefined {
  // Depth first without the call stack: an object is on the path from its entry to its exit marker.
  const stack: { item: unknown; depth: number; exit?: object }[] = [{ item: value, depth: 0 }];
  const path = new Set<object>();
  for (let next = stack.pop(); next; next = stack.pop()) {
    const { item, depth, exit } = next;
    if (exit) {
      path.delete(exit);
      continue;
    }
    if (item === null || typeof item === 'string' || typeof item === 'boolean') continue;
    if (typeof item === 'number') {
      if (!Number.isFinite(item)) return `${item} is not a JSON number`;
      continue;
    }
    if (item === undefined) return 'undefined is not JSON';
    if (typeof item !== 'object') return `a ${typeof item} is not JSON`;
    if (depth > MAX_DEPTH) return `it nests deeper than ${MAX_DEPTH} levels`;
    const prototype = Object.getPrototypeOf(item);
    if (!Array.isArray(item) && prototype !== Object.prototype && prototype !== null) {
      return `a ${item.constructor?.name ?? 'class instance'} is not JSON`;
    }
    if (path.has(item)) return 'it contains itself';
    path.add(item);
    stack.push({ item: undefined, depth, exit: item });
    for (const child of Object.values(item)) stack.push({ item: child, depth: depth + 1 });
  }
  return undefined;
}

/**
 * A body as the caller gives it: JSON text (a string or bytes), read as the run reads a response (a key
 * twice in one object is a finding), or a value already parsed. Throws a TypeError when it is neither.
 */
export function bodyOf(body: unknown): ProviderJson {
  if (typeof body === 'string' || body instanceof Uint8Array) {
    const text = typeof body === 'string' ? body : new TextDecoder().decode(body);
    const parsed = parseProviderJson(text);
    if (!parsed.ok && parsed.findings.some((f) => f.keyword === 'json')) {
      throw new TypeError(
        `the body is not JSON (${text.length === 0 ? 'empty' : `${text.length} characters`})`,
      );
    }
    return parsed;
  }
  const problem = notJson(body);
  if (problem) throw new TypeError(`the body is not JSON: ${problem}`);
  return { ok: true, value: body };
}
