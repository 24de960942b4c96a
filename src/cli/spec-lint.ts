import { fileURLToPath } from 'node:url';
import { type ConsoleIO, EXIT, parseFlags, processIO, UsageError } from '../core/usage.ts';
import { loadDocument, SpecError } from '../openapi/document.ts';
import { lintExamples } from '../openapi/lint.ts';
import { validatorsFor } from '../openapi/validators.ts';
import { consoleWriter } from '../report/console-writer.ts';

/** `npm run spec-lint -- [--spec FILE] [--json]`: every example the document embeds, checked against its schema. */
export const runSpecLint = (argv: string[], given: ConsoleIO = processIO): number => {
  // A document's examples and pointers are outside text: printed through the console writer.
  const io = consoleWriter(given);
  try {
    const { values } = parseFlags({
      args: argv,
      options: { spec: { type: 'string' }, json: { type: 'boolean', default: false } },
    });
    const { document, path, sha256 } = loadDocument(values.spec);
    const lints = lintExamples(document, validatorsFor(document, sha256, path));
    if (values.json) {
      io.stdout(`${JSON.stringify(lints, null, 2)}\n`);
    } else {
      for (const lint of lints) {
        io.stdout(`${lint.valid ? 'valid  ' : 'INVALID'} ${lint.location} (${lint.component})\n`);
        for (const f of lint.findings)
          io.stdout(`  ${f.severity.padEnd(7)} ${f.pointer || '(root)'}  ${f.message}\n`);
      }
      io.stdout(`${path}: ${lints.filter((l) => !l.valid).length} of ${lints.length} examples invalid\n`);
    }
    return lints.every((l) => l.valid) ? EXIT.ok : EXIT.failed;
  } catch (error) {
    if (error instanceof UsageError || error instanceof SpecError) {
      io.stderr(`spec-lint: ${error.message}\n`);
      return EXIT.usage;
    }
    io.stderr(`spec-lint: internal error: ${(error as Error).message}\n`);
    return EXIT.internal;
  }
};

/** The command as the installed CLI runs it. */
export const main = (argv: string[]): number => runSpecLint(argv);

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  process.exitCode = main(process.argv.slice(2));
}
