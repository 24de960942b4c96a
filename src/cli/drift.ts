import { fileURLToPath } from 'node:url';
import { type ConsoleIO, EXIT, parseFlags, processIO, UsageError } from '../core/usage.ts';
import { breaksAnyone, compareOperations } from '../drift/compare.ts';
import { driftReport, renderDrift } from '../drift/report.ts';
import { DEFAULT_OPERATION } from '../drift/same-operation.ts';
import { SchemaShapeError } from '../drift/shape.ts';
import { loadDocument, SpecError } from '../openapi/document.ts';
import { OperationError } from '../openapi/operation.ts';
import { consoleWriter } from '../report/console-writer.ts';

export const DRIFT_USAGE = `usage: npm run drift -- --from FILE --to FILE [--json] [--operation METHOD:/path]
Compares one operation of two OpenAPI documents (3.0 or 3.1): parameters, security requirements,
statuses, each status's response headers, and the 200 body, every keyword that changes what is valid.
--operation defaults to ${DEFAULT_OPERATION} (matched by path shape: parameter names may differ).
Exit 0 when no change breaks anyone, 1 when one does, 2 on bad usage.`;

/** `drift` as a function of its arguments: prints the changes, returns the exit code. */
export const runDriftCli = (argv: string[], given: ConsoleIO = processIO): number => {
  // Documents' titles, paths and names are outside text: printed through the console writer.
  const io = consoleWriter(given);
  try {
    const { values } = parseFlags({
      args: argv,
      options: {
        from: { type: 'string' },
        to: { type: 'string' },
        operation: { type: 'string' },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', default: false },
      },
    });
    if (values.help) {
      io.stdout(`${DRIFT_USAGE}\n`);
      return EXIT.ok;
    }
    if (!values.from || !values.to) throw new UsageError('--from and --to are required (see --help)');
    const from = { ...loadDocument(values.from), shown: values.from };
    const to = { ...loadDocument(values.to), shown: values.to };
    const result = compareOperations(from.document, to.document, {
      operation: values.operation,
      names: { from: values.from, to: values.to },
    });
    const report = driftReport({ from, to }, result);
    io.stdout(values.json ? `${JSON.stringify(report, null, 2)}\n` : renderDrift(report));
    return breaksAnyone(report.changes) ? EXIT.failed : EXIT.ok;
  } catch (error) {
    if (
      error instanceof UsageError ||
      error instanceof SpecError ||
      error instanceof OperationError ||
      error instanceof SchemaShapeError
    ) {
      io.stderr(`drift: ${error.message.split('\n')[0]}\n`);
      return EXIT.usage;
    }
    io.stderr(`drift: internal error: ${(error as Error).message.split('\n')[0]}\n`);
    return EXIT.internal;
  }
};

export const main = (argv: string[]): number => runDriftCli(argv);

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  process.exitCode = runDriftCli(process.argv.slice(2));
}
