import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { expect } from 'chai';
import { runConformanceCli } from '../../src/cli/conformance.ts';
import { PROSE_REDACTED_VALUE } from '../../src/provider/fault-bodies.ts';
import { faultFlags, faultNamed } from '../../src/provider/faults.ts';
import {
  conformanceFlags,
  FAULTS,
  type FaultName,
  startReferenceProvider,
} from '../../src/provider/index.ts';
import type { ConformanceResult } from '../../src/report/conformance-result.ts';
import { REPORT_FILES } from '../../src/report/files.ts';
import { containsSecret } from '../../src/secrets/forms.ts';
import { repoPath } from '../helpers.ts';
import { FAULT_VERDICTS, PROBE_ONLY_FAULTS } from './fault-verdicts.ts';

const addFormats = addFormatsModule as unknown as typeof addFormatsModule.default;

// Whole conformance runs against the reference provider in each fault mode, with a canary admin key:
// the right verdict, the right check and pointer, all four reports, and no trace of the key anywhere.

const canary = `sk-admin-canary${randomBytes(18).toString('hex')}`;
// Small waits so retries stay quick; Retry-After is honoured up to this cap.
const FAST = { baseDelayMs: 5, maxDelayMs: 20, maxRetryAfterMs: 50 };

interface Run {
  code: number;
  result: ConformanceResult;
  output: string;
  files: Record<string, string>;
}

const conformanceRun = async (
  fault: FaultName | undefined,
  extraArgs: string[] = [],
): Promise<Run & { sawAuthorization?: boolean }> => {
  const provider = await startReferenceProvider({ adminKey: canary, ...(fault ? { fault } : {}) });
  const dir = mkdtempSync(join(tmpdir(), 'conformance-'));
  const output: string[] = [];
  try {
    const code = await runConformanceCli(
      [...conformanceFlags(provider), '--report-dir', dir, '--timeout', '1000', ...extraArgs],
      {
        env: { OPENAI_ADMIN_KEY: canary },
        io: { stdout: (t) => output.push(t), stderr: (t) => output.push(t) },
        signals: new EventEmitter(),
        environment: { policy: FAST },
      },
    );
    const files = Object.fromEntries(
      readdirSync(dir).map((name) => [name, readFileSync(join(dir, name), 'utf8')]),
    );
    return {
      code,
      result: JSON.parse(files[REPORT_FILES.json] ?? 'null') as ConformanceResult,
      output: output.join(''),
      files,
      ...(provider.otherOrigin ? { sawAuthorization: provider.otherOrigin.sawAuthorization() } : {}),
    };
  } finally {
    await provider.close();
    rmSync(dir, { recursive: true, force: true });
  }
};

// A whole-looking key of any kind (the admin key, or one a provider leaked in redacted_value).
const WHOLE_KEY = /sk-(?:admin|proj|svcacct)-[A-Za-z0-9_-]{32,}/;

// Every conformance.json a real run writes is valid against the report's published schema.
const ajv = new Ajv2020({ strict: true, allErrors: true });
addFormats(ajv);
const validateReport = ajv.compile(
  JSON.parse(readFileSync(repoPath('schemas/conformance-report.schema.json'), 'utf8')),
);

const expectSoundReports = (run: Run) => {
  expect(validateReport(run.result), JSON.stringify(validateReport.errors)).to.equal(true);
  expect(containsSecret(run.output, canary), 'console output').to.equal(false);
  // Whatever the provider sent (a 5 MB id, a 300 MB body), what the run writes stays small.
  expect(run.output.length, 'console output').to.be.below(64 * 1024);
  for (const [name, content] of Object.entries(run.files)) {
    // Not as sent, not JSON-escaped, percent-encoded or base64: every form an echo could take.
    expect(containsSecret(content, canary), name).to.equal(false);
    expect(content, name).not.to.match(WHOLE_KEY);
    expect(Buffer.byteLength(content), name).to.be.below(
      name === REPORT_FILES.markdown ? 256 * 1024 : 1024 * 1024,
    );
  }
};

const EXTRA_ARGS: Partial<Record<FaultName, string[]>> = {
  // A server that never answers: each attempt ends at the timeout; keep the budget small.
  hang: ['--timeout', '100', '--retries', '1'],
  // Said outright: the test below counts attempts against it (it is also the default).
  'permanent-5xx': ['--retries', '2'],
  // A 5 MB body: on a loaded machine its transfer can take longer than the default 1 s of these runs,
  // and a timed-out answer has no body to judge.
  'huge-id': ['--timeout', '10000'],
};
// The clean run must see every one of its 44 requests answered: a loaded machine gets 5 s per attempt.
const CLEAN_ARGS = ['--timeout', '5000'];
const isProbeOnly = (fault: string) => (PROBE_ONLY_FAULTS as readonly string[]).includes(fault);
/** Faults of the wire, the credentials and echoed keys: the probe stage must hold up against them too. */
const PROBED_TOO: readonly FaultName[] = [
  'hang',
  'reset',
  'huge-body',
  'rate-limited',
  'retry-after-ms',
  'permanent-5xx',
  'auth-not-enforced',
  'cross-origin-redirect',
  'key-in-header',
  'key-in-error-body',
  'key-in-location',
  'admin-shaped-bearer',
];
/**
 * The flags of a fault's run. The faults only probing finds are probed as by default; those of the wire,
 * the credentials and echoed keys once per kind of probe (20); a key body's shape, which the provider
 * states show and probes would only fetch again, not at all.
 */
const argsFor = (fault: FaultName): string[] => [
  ...(EXTRA_ARGS[fault] ?? []),
  ...(isProbeOnly(fault) ? [] : ['--probes', PROBED_TOO.includes(fault) ? '20' : '0']),
  // What the fault itself needs to be met: `--sweep` for the list's.
  ...faultFlags(faultNamed(fault)),
];

// The runs are independent (each its own provider, port and report dir) and mostly wait: on the
// verifier, on timeouts, on Retry-After. So they all start at once, a few at a time, and each test
// awaits the one it asserts on; tests asking for the same fault and flags share one run.
const CONCURRENT_RUNS = 4;
let running = 0;
const waiting: (() => void)[] = [];
const inTurn = async <T>(work: () => Promise<T>): Promise<T> => {
  if (running >= CONCURRENT_RUNS) await new Promise<void>((resolve) => waiting.push(resolve));
  running++;
  try {
    return await work();
  } finally {
    running--;
    waiting.shift()?.();
  }
};
const runs = new Map<string, Promise<Run & { sawAuthorization?: boolean }>>();
const runFor = (fault: FaultName | undefined, extraArgs: string[] = []) => {
  const key = JSON.stringify([fault, extraArgs]);
  let run = runs.get(key);
  if (!run) {
    run = inTurn(() => conformanceRun(fault, extraArgs));
    run.catch(() => {}); // awaited, and so reported, by the test that asked for it
    runs.set(key, run);
  }
  return run;
};

describe('conformance runs against the reference provider', function () {
  this.timeout(60_000);

  before(() => {
    // Start every run now, in the order the tests below will want them.
    runFor(undefined, CLEAN_ARGS);
    for (const fault of FAULTS) runFor(fault.name as FaultName, argsFor(fault.name as FaultName));
    for (const fault of PROBE_ONLY_FAULTS) runFor(fault, ['--probes', '0']);
  });

  it('passes with no fault, writes all four reports and exits 0', async () => {
    const run = await runFor(undefined, CLEAN_ARGS);
    expect(run.code, run.output).to.equal(0);
    expect(run.result.verdict).to.equal('pass');
    expect(run.result.complete).to.equal(true);
    expect(Object.keys(run.files)).to.have.members(Object.values(REPORT_FILES));
    const categories = new Set(run.result.checks.map((c) => c.category));
    expect([...categories]).to.include.members([
      'contract',
      'pact',
      'schema',
      'semantic',
      'security',
      'transport',
      'probe',
    ]);
    expect(run.result.checks.filter((c) => c.category === 'pact' && c.status === 'pass')).to.have.length(4);
    // Probing on by default, every rule judged something (HEAD included) and none failed.
    const probes = run.result.checks.filter((c) => c.category === 'probe');
    expect(probes.map((c) => `${c.status} ${c.name}`)).to.have.length(9);
    for (const probe of probes) expect(probe.status, probe.name).to.equal('pass');
    expect(run.result.probing?.probes).to.equal(40);
    expect(run.result.probing?.sent).to.be.at.least(30);
    expectSoundReports(run);
  });

  // The seed documents only 200 (so the pact's 404 and 401 interactions are undocumented) and its own example
  // is invalid: facts about the document and the pact, not the target, so notes apart from its warnings.
  it('a clean run has no warning about the target, and the two notes about the document and the pact', async () => {
    const run = await runFor(undefined, CLEAN_ARGS);
    expect(run.result.summary).to.include({ failed: 0, warnings: 0, notes: 2 });
    expect(run.result.checks.filter((c) => c.status === 'warn')).to.deep.equal([]);
    const notes = run.result.checks.filter((c) => c.status === 'note');
    expect(notes.map((c) => [c.category, c.name])).to.deep.equal([
      ['contract', 'pact interactions are documented by the spec'],
      ['contract', "the spec's own examples validate against their schemas"],
    ]);
    const findings = notes.flatMap((c) => c.findings);
    expect(findings.map((f) => f.severity)).to.deep.equal(['note', 'note', 'note', 'note']);
    expect(findings.map((f) => f.message).join('\n'))
      .to.match(/status 404 is not documented/)
      .and.match(/status 401 is not documented/)
      .and.match(/example ProjectApiKey: required property "added_at" is missing/);
    expect(run.output).to.match(
      /\d+ passed, 0 failed, 0 warnings, \d+ skipped; 2 notes about the document and the pact/,
    );
    expect(run.files[REPORT_FILES.markdown]).to.contain('### Notes about the document and the pact');
    expect(run.files[REPORT_FILES.html]).to.match(
      /data-count="notes about the document and the pact"><span class="n">2</,
    );
    expect(run.files[REPORT_FILES.junit]).to.match(
      /<testsuites name="conformance" tests="\d+" failures="0" errors="0"/,
    );
  });

  for (const fault of FAULTS) {
    const expected = FAULT_VERDICTS[fault.name];
    it(`${fault.name}: ${expected.conclusion}`, async () => {
      const run = await runFor(fault.name as FaultName, argsFor(fault.name as FaultName));
      const { verdict, status, category, pointer, keyword } = expected;
      expect(run.result.verdict, run.output).to.equal(verdict);
      expect(run.code).to.equal(verdict === 'pass' ? 0 : 1);
      expect(Object.keys(run.files)).to.have.members(Object.values(REPORT_FILES));
      if (verdict === 'fail' || status === 'warn') {
        const wanted = status ?? 'fail';
        const reporting = run.result.checks.filter((c) => c.category === category && c.status === wanted);
        expect(reporting, `a ${category} check that says ${wanted}`).to.not.have.length(0);
        if (pointer) {
          const pointers = reporting.flatMap((c) => c.findings.map((f) => f.pointer));
          expect(pointers).to.include(pointer);
        }
        if (keyword) {
          const keywords = reporting.flatMap((c) => c.findings.map((f) => f.keyword));
          expect(keywords, 'finding keywords').to.include(keyword);
        }
      } else {
        // Transient: passes, and the report marks the checks that needed a retry and their attempts.
        const retried = run.result.checks.filter((c) => (c.attempts ?? 1) > 1);
        expect(retried, 'checks marked as retried').to.not.have.length(0);
        expect(run.result.exchanges.some((e) => e.attempts.length === 2)).to.equal(true);
      }
      expectSoundReports(run);
      if (run.sawAuthorization !== undefined)
        expect(run.sawAuthorization, 'key sent to the other origin').to.equal(false);
    });
  }

  for (const fault of PROBE_ONLY_FAULTS) {
    it(`${fault}: only the probes find it: with --probes 0 the same provider passes`, async () => {
      const run = await runFor(fault, ['--probes', '0']);
      expect(run.result.verdict, run.output).to.equal('pass');
      expect(run.result.checks.filter((c) => c.category === 'probe')).to.deep.equal([]);
      expect(run.result.probing).to.include({ probes: 0, sent: 0 });
      const probed = await runFor(fault, argsFor(fault));
      // The smallest failing request, with the flags that replay it.
      const failure = probed.result.probing?.failures[0];
      expect(failure, probed.output).to.not.equal(undefined);
      expect(failure?.path).to.match(/^\/organization\/projects\/[^/]+\/api_keys\/[^/]+/);
      const smallest = probed.result.checks.flatMap((c) => c.findings).find((f) => f.keyword === 'smallest');
      expect(smallest?.message).to.include(`replay: --seed ${probed.result.probing?.seed} --probes 40`);
    });
  }

  it('a redacted_value that is prose is no leak: a warning, shown as it is in every report', async () => {
    const run = await runFor('prose-redacted-value', argsFor('prose-redacted-value'));
    const findings = run.result.checks.flatMap((c) => c.findings).filter((f) => f.keyword === 'redaction');
    expect(findings.map((f) => [f.severity, f.pointer])).to.deep.equal([
      ['warning', '/redacted_value'],
      ['warning', '/redacted_value'],
    ]);
    expect(findings[0]?.message).to.match(/does not look like a redacted key/);
    for (const [name, content] of Object.entries(run.files))
      expect(content, name).to.contain(PROSE_REDACTED_VALUE);
    const bodies = run.result.exchanges.map((e) => e.response?.bodyExcerpt ?? '');
    expect(bodies.filter((b) => b.includes(`"redacted_value":"${PROSE_REDACTED_VALUE}"`))).to.have.length(2);
  });

  it('a key-shaped redacted_value that shows too much stays judged, and redacted in every report', async () => {
    const run = await runFor('unredacted-key', argsFor('unredacted-key'));
    const redaction = run.result.checks.flatMap((c) => c.findings).filter((f) => f.keyword === 'redaction');
    expect(redaction.map((f) => f.severity)).to.deep.equal(['error', 'error']);
    expect(redaction[0]?.message).to.match(/key characters are unmasked/);
    const bodies = run.result.exchanges.map((e) => e.response?.bodyExcerpt ?? '');
    expect(bodies.filter((b) => b.includes('"redacted_value":"[REDACTED]"'))).to.have.length(2);
  });

  // Both ids were given: the verdict names what came back instead of a key body, not a flag to give.
  const noKeyBody: [FaultName, RegExp][] = [
    ['html-200', /key owned by a user: status 200 with an HTML page \("text\/html; charset=utf-8"\)/],
    ['empty-body', /key owned by a service account: status 200 with an empty body instead of a key body/],
    ['same-origin-redirect', /key owned by a user: status 200 with an HTML page/],
    ['cross-origin-redirect', /key owned by a user: status 302, a redirect that was not followed/],
  ];
  for (const [fault, said] of noKeyBody) {
    it(`${fault}: the verdict says what came back instead of a key body`, async () => {
      const run = await runFor(fault, argsFor(fault));
      const reason = run.result.incompleteReason ?? '';
      expect(reason)
        .to.match(/^no key body was checked: /)
        .and.match(said);
      expect(reason).not.to.match(/give --user-key-id/);
      expect(run.output).to.contain(`(${reason})`);
    });
  }

  it('empty-body: the pact checks point at the body root and say the body is empty', async () => {
    const run = await runFor('empty-body', argsFor('empty-body'));
    const keys = run.result.checks.filter((c) => c.category === 'pact' && c.status === 'fail');
    expect(keys).to.have.length(2);
    for (const check of keys) {
      expect(check.findings.map((f) => f.pointer)).to.deep.equal(['']);
      expect(check.findings[0]?.message).to.match(/^the body is empty; the pact expects one \(\d+ bytes/);
    }
  });

  it('a 5 MB id is shown cut, with its length, in every report and on the console', async () => {
    const run = await runFor('huge-id', argsFor('huge-id'));
    const identity = run.result.checks.flatMap((c) => c.findings).find((f) => f.keyword === 'identity');
    expect(identity?.message).to.match(/^id is "key_x+… \(\d+ characters, truncated\)$/);
    for (const [name, content] of Object.entries(run.files)) {
      expect(content, name).to.match(/\(\d{7} characters, truncated\)/);
    }
    expect(run.output).to.match(/\(\d{7} characters, truncated\)/);
  });

  // One request per provider state: the verifier's, relayed by the gateway, is the one the live checks judge.
  const oneAnswer: [FaultName, RegExp][] = [
    ['cross-origin-redirect', /302/],
    ['html-200', /text\/html|content-type|body/i],
  ];
  for (const [fault, said] of oneAnswer) {
    it(`${fault}: the pact check and the live checks judge the same one answer per state, and agree`, async () => {
      const run = await runFor(fault, argsFor(fault));
      const { checks } = run.result;
      const exchanges = run.result.exchanges.filter((e) => !e.check?.startsWith('probe'));
      expect(exchanges, 'one exchange per provider state').to.have.length(4);
      const pactChecks = checks.filter((c) => c.category === 'pact');
      expect(pactChecks).to.have.length(4);
      for (const pact of pactChecks) {
        expect(pact.exchangeIds, pact.name).to.have.length(1);
        const live = checks.filter(
          (c) =>
            c.category !== 'pact' &&
            c.category !== 'contract' &&
            c.exchangeIds?.[0] === pact.exchangeIds?.[0],
        );
        expect(live, `live checks of ${pact.name}`).to.not.have.length(0);
      }
      const user = pactChecks.find((c) => c.name.includes('owned by a user'));
      const userLive = checks.filter(
        (c) => c.category === 'transport' && c.exchangeIds?.[0] === user?.exchangeIds?.[0],
      );
      expect([user?.status, userLive[0]?.status]).to.deep.equal(['fail', 'fail']);
      expect(user?.findings.map((f) => f.message).join(' ')).to.match(said);
      expect(userLive[0]?.findings.map((f) => f.message).join(' ')).to.match(said);
    });
  }

  it("today's live shape fails at /owner/user/object and /owner/user/added_at, with its extra fields as warnings", async () => {
    const run = await runFor('live-shape', argsFor('live-shape'));
    const schema = run.result.checks.filter((c) => c.category === 'schema' && c.name.includes('user'));
    const findings = schema.flatMap((c) => c.findings.map((f) => `${f.severity} ${f.pointer}`));
    expect(findings).to.include.members([
      'error /owner/user/object',
      'error /owner/user/added_at',
      'warning /owner/user/created_at',
      'warning /last_used_at',
      'warning /owner_project_access',
    ]);
  });

  it('honours Retry-After on 429, and says so in the recorded attempts', async () => {
    const run = await runFor('rate-limited', argsFor('rate-limited'));
    const waits = run.result.exchanges.flatMap((e) => e.attempts.map((a) => a.error ?? ''));
    expect(waits.some((w) => /Retry-After: 1/.test(w))).to.equal(true);
  });

  it('gives up on a permanent 5xx after the retry budget: retries + 1 attempts', async () => {
    const run = await runFor('permanent-5xx', argsFor('permanent-5xx'));
    const attempts = run.result.exchanges.map((e) => e.attempts.length);
    expect(attempts.length).to.be.greaterThan(0);
    for (const count of attempts) expect(count).to.equal(3);
  });

  it('reports a target that cannot be reached: exit 1, every report, one line saying why', async () => {
    const provider = await startReferenceProvider({ adminKey: canary });
    const url = provider.url;
    await provider.close();
    const dir = mkdtempSync(join(tmpdir(), 'conformance-'));
    const output: string[] = [];
    const code = await runConformanceCli(
      ['--base-url', url, '--project-id', 'proj_x', '--report-dir', dir, '--retries', '0'],
      {
        env: { OPENAI_ADMIN_KEY: canary },
        io: { stdout: (t) => output.push(t), stderr: (t) => output.push(t) },
        signals: new EventEmitter(),
      },
    );
    const result = JSON.parse(readFileSync(join(dir, REPORT_FILES.json), 'utf8')) as ConformanceResult;
    rmSync(dir, { recursive: true, force: true });
    expect(code).to.equal(1);
    expect(result.verdict).to.equal('fail');
    expect(result.incompleteReason).to.match(/could not be reached: .*refused/);
    expect(output.join('')).not.to.contain(canary);
  });
});
