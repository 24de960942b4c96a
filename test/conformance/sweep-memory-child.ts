// A sweep in a process of its own, measuring itself: `node --expose-gc --import tsx sweep-memory-child.ts
// <conformance flags>`. At each progress line it forces a collection and notes the live heap against the
// keys retrieved so far; at the end it prints one JSON line: those samples and its own peak RSS
// (process.resourceUsage().maxRSS), which only this process can know.
import { EventEmitter } from 'node:events';
import { runConformanceCli } from '../../src/cli/conformance.ts';

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with --expose-gc');
const samples: { keys: number; heapBytes: number }[] = [];
const code = await runConformanceCli(process.argv.slice(2), {
  env: process.env,
  io: {
    stdout: (text) => {
      const done = / sweep: (\d+) of /.exec(text);
      if (!done) return;
      gc();
      samples.push({ keys: Number(done[1]), heapBytes: process.memoryUsage().heapUsed });
    },
    stderr: (text) => process.stderr.write(text),
  },
  signals: new EventEmitter(),
  environment: { sweepProgressEveryMs: 250 },
});
process.stdout.write(
  `${JSON.stringify({ code, samples, maxRssBytes: process.resourceUsage().maxRSS * 1024 })}\n`,
);
process.exit(0);
