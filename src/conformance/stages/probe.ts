import fc from 'fast-check';
import type { Finding } from '../../core/finding.ts';
import { truncateText } from '../../core/truncate.ts';
import type { ProbeFailure, Probing } from '../../report/conformance-result.ts';
import { PROBE_CONCURRENCY, SHRINK_BUDGET } from '../probe-bounds.ts';
import {
  AUTH_LABELS,
  headersOf,
  type ProbeCategory,
  type ProbeContext,
  type ProbeRequest,
  probeCategories,
  requestKey,
} from '../probe-requests.ts';
import { PROBE_RULES, type ProbeOutcome, type ProbeRule } from '../probe-rules.ts';
import type { CheckDraft } from './contract.ts';

// Stage 5, probes: requests generated with fast-check from the document's operation, sent through the
// transport policy a few at a time, each answer judged by every rule (probe-rules.ts). A rule that fails
// is shrunk with fast-check's own shrinking to the smallest request that still fails it, and reported
// with the flags that replay it. Each rule is one check of category `probe`.

/** Requests spent shrinking one rule's failure (SHRINK_BUDGET bounds them all). */
const SHRINK_BUDGET_PER_RULE = 12;
/** After this many answers in a row that never came, the target is not answering: the rest are not sent. */
const UNANSWERED_IN_A_ROW = 3;

export interface ProbeStageOptions {
  probes: number;
  seed: number;
  context: ProbeContext;
  /** The URL a request goes to. */
  urlOf(request: ProbeRequest): string;
  /** Sends one request (labelled `label` in the recorded exchanges) and says what it got. */
  send(request: ProbeRequest, label: string): Promise<ProbeOutcome>;
  signal?: AbortSignal;
  concurrency?: number;
  shrinkBudget?: number;
  /** The longest pause a final 429's Retry-After imposes on the probes after it. */
  maxPauseMs?: number;
  sleep?(ms: number, signal?: AbortSignal): Promise<void>;
  log?(line: string): void;
}

export interface ProbeStageResult {
  checks: CheckDraft[];
  probing: Probing;
}

interface Probe {
  /** From 0, in the order generated. */
  index: number;
  category: number;
  /** Its place among its category's samples: fast-check's replay path. */
  run: number;
  request: ProbeRequest;
  outcome?: ProbeOutcome;
}

/** The seed of one category's samples: each category is its own fast-check run. */
const categorySeed = (seed: number, category: number): number =>
  (seed ^ Math.imul(category + 1, 0x9e3779b1)) | 0;

/** Probe i is of category i mod their count; each category's samples come from its own seed. */
function generate(categories: readonly ProbeCategory[], probes: number, seed: number): Probe[] {
  const samples = categories.map((category, c) =>
    probes > c
      ? fc.sample(category.arbitrary, {
          seed: categorySeed(seed, c),
          numRuns: Math.ceil((probes - c) / categories.length),
        })
      : [],
  );
  return Array.from({ length: probes }, (_, index) => {
    const category = index % categories.length;
    const run = Math.floor(index / categories.length);
    return { index, category, run, request: samples[category]?.[run] as ProbeRequest };
  });
}

/** A final 429's wait, in ms, from Retry-After (seconds) or retry-after-ms; 0 when it gives none. */
function retryAfterOf(outcome: ProbeOutcome): number {
  const ms = Number(outcome.headers['retry-after-ms']);
  if (Number.isFinite(ms) && ms > 0) return ms;
  const seconds = Number(outcome.headers['retry-after']);
  return Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : 0;
}

function sleepFor(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/** Sends `probes` a few at a time; stops when the signal aborts or the target stops answering. */
async function sendAll(
  probes: Probe[],
  options: ProbeStageOptions,
  cache: Map<string, Promise<ProbeOutcome>>,
) {
  const sleep = options.sleep ?? sleepFor;
  let next = 0;
  let unansweredInARow = 0;
  let pausedUntil = 0;
  const worker = async () => {
    while (next < probes.length && !options.signal?.aborted && unansweredInARow < UNANSWERED_IN_A_ROW) {
      const probe = probes[next++] as Probe;
      const wait = pausedUntil - Date.now();
      if (wait > 0) await sleep(wait, options.signal);
      if (options.signal?.aborted) return;
      const key = requestKey(probe.request);
      const sent = cache.get(key) ?? options.send(probe.request, `probe ${probe.index + 1}`);
      cache.set(key, sent);
      const outcome = await sent;
      // A stop mid-request is no answer of the target's: the probe counts as not sent.
      if (options.signal?.aborted) return;
      probe.outcome = outcome;
      unansweredInARow = outcome.status === undefined ? unansweredInARow + 1 : 0;
      if (outcome.status === 429) {
        const pause = Math.min(retryAfterOf(outcome), options.maxPauseMs ?? 60_000);
        pausedUntil = Math.max(pausedUntil, Date.now() + pause);
      }
    }
  };
  await Promise.all(Array.from({ length: options.concurrency ?? PROBE_CONCURRENCY }, worker));
}

/** Whether an outcome is judged: it was had, and it is not a 429 the target still asked us to wait out. */
const judgeable = (outcome: ProbeOutcome | undefined): outcome is ProbeOutcome =>
  outcome !== undefined && outcome.status !== 429;

interface Violation {
  probe: Probe;
  outcome: ProbeOutcome;
  findings: Finding[];
}

interface RuleTally {
  rule: ProbeRule;
  judged: number;
  violations: Violation[];
}

function tallyRules(probes: readonly Probe[], context: ProbeContext): RuleTally[] {
  return PROBE_RULES.map((rule) => {
    const tally: RuleTally = { rule, judged: 0, violations: [] };
    for (const probe of probes) {
      if (!judgeable(probe.outcome)) continue;
      const findings = rule.judge(probe.request, probe.outcome, context);
      if (findings === undefined) continue;
      tally.judged++;
      if (findings.length > 0) tally.violations.push({ probe, outcome: probe.outcome, findings });
    }
    return tally;
  });
}

/** `GET /v1/…/api_keys/key_%F0%9F%98%80?debug=1 (no Authorization header; headers: accept)` */
export function describeProbe(request: ProbeRequest, url: string, adminKey: string): string {
  const { pathname, search } = new URL(url);
  return `${request.method} ${truncateText(pathname + search, 240)} (${AUTH_LABELS[request.auth.kind]}; headers: ${headerNamesOf(request, adminKey).join(', ') || 'none'})`;
}

/** The header names a request carries, repeated as sent. */
export function headerNamesOf(request: ProbeRequest, adminKey: string): string[] {
  return Object.entries(headersOf(request, adminKey)).flatMap(([name, value]) =>
    Array.isArray(value) ? value.map(() => name) : [name],
  );
}

const answerWords = (outcome: ProbeOutcome) =>
  outcome.status === undefined ? 'no answer' : `${outcome.status}`;

interface Smallest {
  request: ProbeRequest;
  outcome: ProbeOutcome;
  findings: Finding[];
  shrinks: number;
}

/**
 * The smallest request of the violation's category that still breaks `rule`: fast-check replays the
 * category's run from the failing sample (`path`) and shrinks it, each candidate sent (or answered from
 * the cache). Past the budget, or once stopped, a candidate counts as passing, so shrinking ends there.
 */
async function shrink(
  violation: Violation,
  rule: ProbeRule,
  categories: readonly ProbeCategory[],
  options: ProbeStageOptions,
  cache: Map<string, Promise<ProbeOutcome>>,
  budget: { left: number },
): Promise<Smallest> {
  const { probe } = violation;
  let spentHere = 0;
  const brokenBy = async (request: ProbeRequest): Promise<boolean> => {
    const key = requestKey(request);
    let sent = cache.get(key);
    if (!sent) {
      if (options.signal?.aborted || budget.left <= 0 || spentHere >= SHRINK_BUDGET_PER_RULE) return false;
      budget.left--;
      spentHere++;
      sent = options.send(request, `probe ${probe.index + 1}: shrink ${rule.id} ${spentHere}`);
      cache.set(key, sent);
    }
    const outcome = await sent;
    return judgeable(outcome) && (rule.judge(request, outcome, options.context)?.length ?? 0) > 0;
  };
  const category = categories[probe.category] as ProbeCategory;
  const details = await fc.check(
    fc.asyncProperty(category.arbitrary, async (request) => !(await brokenBy(request))),
    { seed: categorySeed(options.seed, probe.category), path: String(probe.run), numRuns: probe.run + 1 },
  );
  const found = details.failed ? details.counterexample?.[0] : undefined;
  if (!found) return { ...violation, request: probe.request, shrinks: 0 };
  const outcome = await (cache.get(requestKey(found)) as Promise<ProbeOutcome>);
  const findings = rule.judge(found, outcome, options.context) ?? violation.findings;
  return { request: found, outcome, findings, shrinks: details.numShrinks };
}

/** One rule's check: skipped with nothing judged, else its smallest failing case and every violation. */
function ruleCheck(
  tally: RuleTally,
  smallest: Smallest | undefined,
  options: ProbeStageOptions,
  replay: string,
): CheckDraft {
  const name = `probes: ${tally.rule.name}`;
  if (tally.judged === 0) {
    return { name, category: 'probe', status: 'skip', findings: [], skipReason: tally.rule.nothingToJudge };
  }
  const describe = (request: ProbeRequest, outcome: ProbeOutcome) =>
    `${describeProbe(request, outcome.url, options.context.adminKey)} → ${answerWords(outcome)}`;
  const lead = smallest?.findings[0];
  const findings: Finding[] = [
    ...(smallest && lead
      ? [
          {
            ...lead,
            keyword: 'smallest',
            message: `smallest failing request: ${describe(smallest.request, smallest.outcome)}: ${lead.message} (shrunk in ${smallest.shrinks} steps; replay: ${replay})`,
          },
        ]
      : []),
    ...tally.violations.flatMap((v) =>
      v.findings.map((f) => ({
        ...f,
        message: `probe ${v.probe.index + 1}: ${describe(v.probe.request, v.outcome)}: ${f.message}`,
      })),
    ),
  ];
  const status = findings.some((f) => f.severity === 'error')
    ? 'fail'
    : findings.length > 0
      ? 'warn'
      : 'pass';
  const exchangeIds = tally.violations.slice(0, 20).flatMap((v) => v.outcome.exchangeIds);
  return { name, category: 'probe', status, findings, ...(exchangeIds.length > 0 && { exchangeIds }) };
}

function failureOf(rule: ProbeRule, smallest: Smallest, probe: Probe, adminKey: string): ProbeFailure {
  const { pathname, search } = new URL(smallest.outcome.url);
  return {
    rule: rule.id,
    method: smallest.request.method,
    path: pathname + search,
    headers: headerNamesOf(smallest.request, adminKey),
    auth: AUTH_LABELS[smallest.request.auth.kind],
    ...(smallest.outcome.status === undefined ? {} : { status: smallest.outcome.status }),
    message: smallest.findings[0]?.message ?? '',
    probe: probe.index + 1,
    shrinks: smallest.shrinks,
  };
}

/** The probe stage: generate, send, judge, shrink; one check per rule, and what was sent. */
export async function probeStage(options: ProbeStageOptions): Promise<ProbeStageResult> {
  const replay = `--seed ${options.seed} --probes ${options.probes}`;
  const categories = probeCategories(options.context);
  const probes = generate(categories, options.probes, options.seed);
  const cache = new Map<string, Promise<ProbeOutcome>>();
  await sendAll(probes, options, cache);
  const sent = probes.filter((p) => p.outcome !== undefined);
  // A request drawn twice (a category with little to vary) went out once: count what went out.
  const distinct = [...new Map(sent.map((p) => [requestKey(p.request), p.outcome])).values()];
  const tallies = tallyRules(sent, options.context);
  const budget = { left: options.shrinkBudget ?? SHRINK_BUDGET };
  const checks: CheckDraft[] = [];
  const failures: ProbeFailure[] = [];
  for (const tally of tallies) {
    const first = tally.violations[0];
    const smallest = first ? await shrink(first, tally.rule, categories, options, cache, budget) : undefined;
    if (smallest && first)
      failures.push(failureOf(tally.rule, smallest, first.probe, options.context.adminKey));
    checks.push(ruleCheck(tally, smallest, options, replay));
  }
  return {
    checks,
    probing: {
      seed: options.seed,
      probes: options.probes,
      sent: distinct.length,
      answered: distinct.filter((outcome) => outcome?.status !== undefined).length,
      rateLimited: distinct.filter((outcome) => outcome?.status === 429).length,
      shrinkRequests: (options.shrinkBudget ?? SHRINK_BUDGET) - budget.left,
      replay,
      failures,
    },
  };
}
