import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Finding } from '../core/finding.ts';
import { fsReason } from '../core/fs-error.ts';
import { parseProviderJson } from '../core/response-json.ts';
import { CONSOLE_LINE_CHARS, truncateText } from '../core/truncate.ts';
import { type ConsoleIO, EXIT, parseFlags, processIO, UsageError } from '../core/usage.ts';
import { loadDocument, SpecError } from '../openapi/document.ts';
import { UnknownComponentError, validatorsFor } from '../openapi/validators.ts';
import { consoleWriter } from '../report/console-writer.ts';

const USAGE = 'usage: npm run validate -- --schema <Component> [--json] [--strict] [--spec FILE] <file | ->';

const readBody = (source: string, readStdin: () => string): string => {
  if (source === '-') return readStdin();
  try {
    return readFileSync(source, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read ${source}: ${fsReason(error)}`);
  }
};

const formatFinding = (f: Finding): string =>
  `  ${f.severity.padEnd(7)} ${f.pointer || '(root)'}  ${f.message}`;

/** `validate` as a function of its arguments, so tests run it in-process; returns the exit code. */
export const runValidate = (
  argv: string[],
  given: ConsoleIO = processIO,
  readStdin: () => string = () => readFileSync(0, 'utf8'),
): number => {
  // A captured body's names and values are outside text: printed through the console writer.
  const io = consoleWriter(given);
  try {
    const { values, positionals } = parseFlags({
      args: argv,
      allowPositionals: true,
      options: {
        schema: { type: 'string' },
        json: { type: 'boolean', default: false },
        strict: { type: 'boolean', default: false },
        spec: { type: 'string' },
        help: { type: 'boolean', default: false },
      },
    });
    if (values.help) {
      io.stdout(`${USAGE}\n`);
      return EXIT.ok;
    }
    if (!values.schema) throw new UsageError(`--schema is required (${USAGE})`);
    if (positionals.length !== 1) throw new UsageError(`expected one file or "-" (${USAGE})`);
    const { document, sha256, path } = loadDocument(values.spec);
    const validators = validatorsFor(document, sha256, path);
    if (!validators.has(values.schema)) throw new UnknownComponentError(values.schema, validators.components);
    const source = positionals[0] as string;
    const text = readBody(source, readStdin);
    // A captured response is read as the run reads one: a key twice is a finding, not a silent choice.
    const parsed = parseProviderJson(text);
    if (!parsed.ok && parsed.findings.some((f) => f.keyword === 'json')) {
      throw new UsageError(`${source} is not JSON`);
    }
    const result = parsed.ok
      ? validators.validate(values.schema, parsed.value, { strict: values.strict })
      : { valid: false, findings: parsed.findings };
    if (values.json) {
      io.stdout(`${JSON.stringify(result, null, 2)}\n`);
    } else {
      const verdict = result.valid ? 'valid' : 'invalid';
      io.stdout(`${source}: ${verdict} ${values.schema}\n`);
      for (const finding of result.findings) {
        io.stdout(`${truncateText(formatFinding(finding), CONSOLE_LINE_CHARS)}\n`);
      }
    }
    return result.valid ? EXIT.ok : EXIT.failed;
  } catch (error) {
    if (error instanceof UsageError || error instanceof SpecError || error instanceof UnknownComponentError) {
      io.stderr(`validate: ${error.message}\n`);
      return EXIT.usage;
    }
    io.stderr(`validate: internal error: ${(error as Error).message}\n`);
    return EXIT.internal;
  }
};

/** The command as the installed CLI runs it: the process's own output and stdin. */
export const main = (argv: string[]): number => runValidate(argv);

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  process.exitCode = main(process.argv.slice(2));
}
