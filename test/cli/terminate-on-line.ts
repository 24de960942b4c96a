// Loaded with `--import` into a command's own process: the moment a line starting with TERMINATE_ON_LINE is
// written to stdout, the process sends itself TERMINATE_SIGNAL (SIGTERM by default), once. A stop lands at
// an exact point of a run, decided from inside it, not by how soon a parent reads a pipe.

const prefix = process.env.TERMINATE_ON_LINE;
const signal = (process.env.TERMINATE_SIGNAL ?? 'SIGTERM') as NodeJS.Signals;

if (prefix) {
  const write = process.stdout.write.bind(process.stdout) as (...args: unknown[]) => boolean;
  let sent = false;
  process.stdout.write = ((...args: unknown[]) => {
    const written = write(...args);
    if (
      !sent &&
      String(args[0])
        .split('\n')
        .some((line) => line.startsWith(prefix))
    ) {
      sent = true;
      process.kill(process.pid, signal);
    }
    return written;
  }) as typeof process.stdout.write;
}
