import { readFileSync } from 'node:fs';
import { isAbsolute, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type CheckablePact, checkPact, type PactCheck, readPact } from '../contract/check-pact.ts';
import { PactFileError } from '../contract/pact.ts';
import type { Finding } from '../core/finding.ts';
import { fsReason } from '../core/fs-error.ts';
import { displayPointer, oneLine, plural } from '../core/text.ts';
import { CONSOLE_LINE_CHARS, truncateText } from '../core/truncate.ts';
import { type ConsoleIO, EXIT, parseFlags, processIO, UsageError } from '../core/usage.ts';
import { loadDocument, SpecError } from '../openapi/document.ts';
import { validatorsFor } from '../openapi/validators.ts';

export const PACT_CHECK_USAGE = `usage: npm run pact-check -- FILE... [--spec FILE] [--json]
Whether each pact (any consumer's; Pact V2, V3 or V4, by pact-js, pact-jvm or pact-go) asks only for what
the OpenAPI document promises: each interaction's method, path and status, the request headers the
document requires, the response example, and each response matching rule. Writes nothing.
Exit 0 when every pact is compatible, 1 when one is not, 2 on bad usage or a file that is not a pact.`;

/** A path as the person typed it, or relative to here when it is under here. */
function shown(path: string): string {
  const from = relative(process.cwd(), path);
  return from.startsWith('..') || isAbsolute(from) ? path : from;
}

/** Every pact named, read and known to be checkable before any is judged: one bad file is exit 2. */
function readPacts(paths: string[]): { path: string; pact: CheckablePact }[] {
  return paths.map((path) => {
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (error) {
      throw new PactFileError(path, fsReason(error));
    }
    return { path, pact: readPact(text, path) };
  });
}

// Pact text (descriptions, values) is a foreign consumer's: one visible line, cut, as every console line.
const line = (text: string) => `${truncateText(oneLine(text), CONSOLE_LINE_CHARS)}\n`;

function rendered(path: string, check: PactCheck): string {
  const errors = check.findings.filter((f) => f.severity === 'error').length;
  const warnings = check.findings.length - errors;
  const about = [
    `Pact ${check.specification ?? '(version not stated)'}`,
    ...(check.writer ? [check.writer] : []),
    plural(check.interactions, 'HTTP interaction'),
  ].join(', ');
  const verdict = check.ok ? 'compatible' : `not compatible, ${plural(errors, 'error')}`;
  const counted = warnings > 0 ? `, ${plural(warnings, 'warning')}` : '';
  const head = line(`${path}: ${verdict}${counted} (${about})`);
  const rows = check.findings.map((f: Finding) =>
    line(`  ${f.severity.padEnd(7)} ${displayPointer(f.pointer)}  ${f.message}`),
  );
  return head + rows.join('');
}

/** `pact-check` as a function of its arguments: prints each pact's verdict, returns the exit code. */
export function runPactCheck(argv: string[], io: ConsoleIO = processIO): number {
  try {
    const { values, positionals } = parseFlags({
      args: argv,
      allowPositionals: true,
      options: {
        spec: { type: 'string' },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', default: false },
      },
    });
    if (values.help) {
      io.stdout(`${PACT_CHECK_USAGE}\n`);
      return EXIT.ok;
    }
    if (positionals.length === 0) throw new UsageError('name at least one pact file (see --help)');
    const { document, sha256, path: specPath } = loadDocument(values.spec);
    const validators = validatorsFor(document, sha256);
    const checks = readPacts(positionals).map(({ path, pact }) => ({
      path: shown(path),
      ...checkPact(pact, document, validators),
    }));
    const spec = shown(specPath);
    if (values.json) io.stdout(`${JSON.stringify({ spec, pacts: checks }, null, 2)}\n`);
    else
      io.stdout(`${line(`against ${spec}`)}${checks.map((check) => rendered(check.path, check)).join('')}`);
    return checks.every((check) => check.ok) ? EXIT.ok : EXIT.failed;
  } catch (error) {
    if (error instanceof UsageError || error instanceof SpecError || error instanceof PactFileError) {
      io.stderr(line(`pact-check: ${error.message.split('\n')[0]}`));
      return EXIT.usage;
    }
    io.stderr(line(`pact-check: internal error: ${(error as Error).message.split('\n')[0]}`));
    return EXIT.internal;
  }
}

export const main = (argv: string[]): number => runPactCheck(argv);

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  process.exitCode = main(process.argv.slice(2));
}
