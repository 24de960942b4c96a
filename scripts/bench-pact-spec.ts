// What the pact ⊆ spec check costs a conformance run at start-up, ours against PactFlow's libraries:
// `npx tsx scripts/bench-pact-spec.ts [--runs 15]`. Each sample is a fresh process that has already
// loaded the document and compiled its validators (the run does that anyway), then times importing
// the checker and one comparison of the committed pact, then a second comparison. A measurement, not
// a test: it asserts nothing. `@pactflow/openapi-pact-comparator` is not a dependency; install it
// beside the project for the run (`npm i --no-save @pactflow/openapi-pact-comparator@1.7.0`) to
// include it.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { CONTRACT_PATH } from '../src/contract/pact-file.ts';
import { DEFAULT_SPEC_PATH } from '../src/openapi/default-path.ts';
import { loadDocument } from '../src/openapi/document.ts';
import { validatorsFor } from '../src/openapi/validators.ts';

const CHECKERS = ['ours', 'openapi-pact-comparator', 'swagger-mock-validator'] as const;
type Checker = (typeof CHECKERS)[number];

interface Sample {
  importMs: number;
  firstMs: number;
  secondMs: number;
  results: number;
}

/** Times `load` then `compare` twice; `compare` gives how many results it reported. */
const timed = async <T>(load: () => Promise<T>, compare: (loaded: T) => Promise<number>): Promise<Sample> => {
  let started = performance.now();
  const loaded = await load();
  const importMs = performance.now() - started;
  started = performance.now();
  const results = await compare(loaded);
  const firstMs = performance.now() - started;
  started = performance.now();
  await compare(loaded);
  return { importMs, firstMs, secondMs: performance.now() - started, results };
};

const sample = async (checker: Checker): Promise<Sample> => {
  const pact = JSON.parse(readFileSync(CONTRACT_PATH, 'utf8'));
  const { document } = loadDocument();
  const validators = validatorsFor(document);
  validators.validate('ProjectApiKey', {});
  if (checker === 'ours') {
    return timed(
      () => import('../src/contract/pact-spec.ts'),
      async ({ checkPactAgainstSpec }) => checkPactAgainstSpec(pact, document, validators).length,
    );
  }
  if (checker === 'openapi-pact-comparator') {
    const name = '@pactflow/openapi-pact-comparator';
    return timed(
      () => import(name),
      async ({ Comparator }) => {
        // 1.x takes the document; 2.x takes { oas }. Each parses what it is given, so a copy.
        const oas = structuredClone(document);
        const comparator = Comparator.length === 1 ? new Comparator(oas) : new Comparator({ oas });
        let results = 0;
        for await (const _ of comparator.compare(pact)) results++;
        return results;
      },
    );
  }
  return timed(
    () => import('@pactflow/swagger-mock-validator'),
    async ({ SwaggerMockValidatorFactory }) => {
      const outcome = await SwaggerMockValidatorFactory.create().validate({
        mockPathOrUrl: CONTRACT_PATH,
        specPathOrUrl: DEFAULT_SPEC_PATH,
      });
      return outcome.errors.length + outcome.warnings.length;
    },
  );
};

const installed = (checker: Checker): boolean => {
  if (checker !== 'openapi-pact-comparator') return true;
  try {
    import.meta.resolve('@pactflow/openapi-pact-comparator');
    return true;
  } catch {
    return false;
  }
};

const { values } = parseArgs({
  options: { runs: { type: 'string', default: '15' }, sample: { type: 'string' } },
});
if (values.sample !== undefined) {
  process.stdout.write(JSON.stringify(await sample(values.sample as Checker)));
  process.exit(0);
}
const runs = Number(values.runs);
if (!Number.isInteger(runs) || runs < 1) {
  process.stderr.write('bench-pact-spec: --runs must be a positive integer\n');
  process.exit(2);
}

const self = fileURLToPath(import.meta.url);
const present = CHECKERS.filter(installed);
const samples = new Map<Checker, Sample[]>(present.map((c) => [c, []]));
// Interleaved, so that a busy moment of the machine falls on every checker alike.
for (let run = 0; run < runs; run++) {
  for (const checker of present) {
    const out = execFileSync(process.execPath, ['--import', 'tsx', self, '--sample', checker], {
      encoding: 'utf8',
    });
    samples.get(checker)?.push(JSON.parse(out));
  }
}
const median = (numbers: number[]) => [...numbers].sort((a, b) => a - b)[Math.floor(numbers.length / 2)] ?? 0;
const ms = (numbers: number[]) => `${median(numbers).toFixed(1)} ms`.padStart(10);
const lines = [
  `pact ⊆ spec on the committed pact, median of ${runs} fresh processes (node ${process.version})`,
  `${'checker'.padEnd(26)}${'import'.padStart(10)}${'1st compare'.padStart(13)}${'start-up'.padStart(10)}${'2nd'.padStart(10)}  results`,
  ...[...samples].map(
    ([checker, rows]) =>
      `${checker.padEnd(26)}${ms(rows.map((r) => r.importMs))}${ms(rows.map((r) => r.firstMs)).padStart(13)}` +
      `${ms(rows.map((r) => r.importMs + r.firstMs))}${ms(rows.map((r) => r.secondMs))}  ${rows[0]?.results}`,
  ),
  ...CHECKERS.filter((c) => !present.includes(c)).map(
    (c) => `${c}: not installed; see the header to include it`,
  ),
  '',
];
process.stdout.write(lines.join('\n'));
