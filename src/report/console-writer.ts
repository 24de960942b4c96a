import { redactSecrets } from '../redact.ts';
import { CONSOLE_LINE_CHARS, truncateLines } from '../truncate.ts';
import type { ConsoleIO } from '../usage.ts';

// The way out to the console: every line a command prints goes through here, redacted of every secret
// known when it is printed (the list grows as a run learns keys), then cut to a length a terminal shows.
// The other way out, the report files, is writeReports (write.ts); nothing else redacts.

export const consoleWriter = (io: ConsoleIO, secrets: () => readonly string[]): ConsoleIO => {
  const out = (text: string) => truncateLines(redactSecrets(text, secrets()), CONSOLE_LINE_CHARS);
  return { stdout: (text) => io.stdout(out(text)), stderr: (text) => io.stderr(out(text)) };
};
