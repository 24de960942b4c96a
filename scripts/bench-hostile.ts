// How the code that reads provider data scales with hostile values: `npm run bench:hostile`.
// Each function runs on the same value at 1, 2, 4 and 8 MB; linear work doubles its time with the size
// (ratio about 2), quadratic work quadruples it. A measurement, not a test.
import { checkRedaction } from '../src/conformance/semantic.ts';
import { parseProviderJson } from '../src/core/response-json.ts';
import { oneLine } from '../src/core/text.ts';
import { markdownText } from '../src/report/markdown.ts';
import { findSecretKeys } from '../src/secrets/patterns.ts';
import { redactSecrets } from '../src/secrets/redact.ts';

const SIZES_MB = [1, 2, 4, 8];
const fill = (unit: string, size: number) => unit.repeat(Math.ceil(size / unit.length)).slice(0, size);

const cases: [string, string, (value: string) => unknown][] = [
  ['oneLine', ' ', oneLine],
  ['oneLine', ' \n ', oneLine],
  ['markdownText', '`*_[]<>|', markdownText],
  ['redactSecrets', 'sk-proj-abcdefghijklmnopq!', (v) => redactSecrets(v, ['s3cr3t-value-1234'])],
  ['redactSecrets', 'Bearer      ', (v) => redactSecrets(v, ['s3cr3t-value-1234'])],
  ['findSecretKeys', 'sk-', findSecretKeys],
  ['checkRedaction', 'sk-proj-abcdefghijklmnopq!', (v) => checkRedaction({ redacted_value: v, name: v })],
  ['parseProviderJson', '\\"{,[', (v) => parseProviderJson(JSON.stringify({ [v]: 1, id: 1 }))],
];

const time = (use: (value: string) => unknown, value: string): number => {
  const started = performance.now();
  use(value);
  return performance.now() - started;
};

console.log(
  'function           value                           1 MB ms   2 MB ms   4 MB ms   8 MB ms   ratios',
);
for (const [name, unit, use] of cases) {
  use(fill(unit, 64 * 1024)); // warm up the compiled regular expressions
  const ms = SIZES_MB.map((mb) => time(use, fill(unit, mb * 1024 * 1024)));
  const ratios = ms.slice(1).map((t, i) => (t / (ms[i] as number)).toFixed(1));
  console.log(
    `${name.padEnd(18)} ${JSON.stringify(unit).padEnd(30)} ${ms.map((t) => t.toFixed(0).padStart(8)).join('  ')}   ${ratios.join(' ')}`,
  );
}
