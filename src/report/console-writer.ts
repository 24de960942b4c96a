import { visibleText } from '../core/text.ts';
import { CONSOLE_LINE_CHARS, truncateLines } from '../core/truncate.ts';
import type { ConsoleIO } from '../core/usage.ts';
import { redactSecrets } from '../secrets/redact.ts';

// The way out to the console: every line a command prints goes through here, redacted of every secret
// known when it is printed (the list grows as a run learns keys), made visible (core/text.ts: no escape
// sequence, CR or workflow command from a broker, a pact, a body or a document reaches the terminal or
// the CI log as one), then cut to a length a terminal shows. The other way out, the report files, is
// writeReports (write.ts); nothing else redacts.

/** What the console shows of `text`. Whole lines are expected: a chunk's start is taken as a line's. */
export const consoleText = (text: string, secrets: readonly string[]): string =>
  truncateLines(visibleText(redactSecrets(text, secrets)), CONSOLE_LINE_CHARS);

export const consoleWriter = (io: ConsoleIO, secrets: () => readonly string[] = () => []): ConsoleIO => {
  const out = (text: string) => consoleText(text, secrets());
  return { stdout: (text) => io.stdout(out(text)), stderr: (text) => io.stderr(out(text)) };
};
