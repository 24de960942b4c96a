// The library's `.d.ts` files, generated from src/ by TypeScript's own declaration emitter, never written
// by hand: each file an entry point reaches through the types it exports, one file at a time
// (ts.transpileDeclaration: no program to build, so milliseconds, not the seconds of a type check; it
// needs what it emits to be readable from the file alone, which the entry points' explicit types are).
// The source's `./x.ts` specifiers become `./x.js`, which a consumer's TypeScript resolves to `./x.d.ts`.
import { readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import ts from 'typescript';

/** What may not be in the emitted text: the emitter's complaints, each with its file. */
export class DeclarationError extends Error {
  override name = 'DeclarationError';
}

const SPECIFIER = /(\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)(['"])(\.{1,2}\/[^'"]+)\.ts\2/g;

/** The relative modules `text` imports, as `.ts` paths; and `text` with each specifier ending `.js`. */
export function relinked(text: string): { text: string; imports: string[] } {
  const imports: string[] = [];
  const out = text.replace(SPECIFIER, (_, lead: string, quote: string, path: string) => {
    imports.push(`${path}.ts`);
    return `${lead}${quote}${path}.js${quote}`;
  });
  return { text: out, imports };
}

/**
 * Declarations of `entries` (paths under `sourceRoot`) and of every module their declarations import,
 * by their path relative to `sourceRoot` with `.d.ts` for `.ts`. Throws DeclarationError when the emitter
 * reports a problem (an export whose type it would have to infer).
 */
export function libraryDeclarations(sourceRoot: string, entries: readonly string[]): Map<string, string> {
  const files = new Map<string, string>();
  const queue = [...entries];
  for (let file = queue.shift(); file !== undefined; file = queue.shift()) {
    const key = relative(sourceRoot, file).replace(/\.ts$/, '.d.ts');
    if (files.has(key)) continue;
    const result = ts.transpileDeclaration(readFileSync(file, 'utf8'), {
      fileName: file,
      reportDiagnostics: true,
      compilerOptions: { module: ts.ModuleKind.NodeNext, target: ts.ScriptTarget.ES2022, strict: true },
    });
    const problems = (result.diagnostics ?? []).map(
      (d) => `${relative(sourceRoot, file)}: ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`,
    );
    if (problems.length > 0) throw new DeclarationError(problems.join('\n'));
    const { text, imports } = relinked(result.outputText);
    files.set(key, text);
    for (const target of imports) queue.push(join(dirname(file), target));
  }
  return files;
}
