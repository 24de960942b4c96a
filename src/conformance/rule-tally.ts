import { type CheckCategory, type CheckResult, statusOf } from '../core/check.ts';
import type { Finding } from '../core/finding.ts';
import { truncateText } from '../core/truncate.ts';
import { REPORT_LIMITS } from '../report/bound.ts';

// One check over many subjects: a sweep's keys, a list's pages. However many there are, the check is one
// rule with counts and its first findings, each naming its subject, so 20,000 keys make one check of a
// bounded size, not 20,000 checks. Pure: subjects' findings in, a CheckResult out, at any moment.

/** Exchange ids a check over many names: enough to find the first ones and the failing ones. */
export const MAX_TALLY_EXCHANGE_IDS = 50;

/** A subject as findings name it: its id, cut so a 5 MB id costs what a short one does. */
export const subjectName = (id: string): string => truncateText(id, 80);

export class RuleTally {
  readonly #findings: Finding[] = [];
  readonly #exchangeIds: string[] = [];
  #total = 0;
  #judged = 0;
  #failed = 0;
  #warned = 0;
  #skipped = 0;
  #attempts = 1;
  #lastSkipReason: string | undefined;

  constructor(
    readonly name: string,
    readonly category: CheckCategory,
    /** The subjects, plural: `keys`, `pages`. */
    readonly unit: string,
    readonly maxFindings: number = REPORT_LIMITS.maxFindingsPerCheck,
  ) {}

  /** One subject judged: its findings, each led by `subject`; the first ones are kept, all are counted. */
  add(
    subject: string,
    findings: readonly Finding[],
    recorded: { exchangeIds?: readonly string[]; attempts?: number } = {},
  ) {
    this.#judged++;
    const status = statusOf(findings);
    if (status === 'fail') this.#failed++;
    else if (status === 'warn') this.#warned++;
    this.#total += findings.length;
    for (const finding of findings) {
      if (this.#findings.length >= this.maxFindings) break;
      this.#findings.push({ ...finding, message: `${subject}: ${finding.message}` });
    }
    this.#note(recorded, status !== 'pass');
  }

  /** One subject there was nothing to judge of (no response, no body): counted, never passed. */
  skip(reason: string, recorded: { exchangeIds?: readonly string[]; attempts?: number } = {}) {
    this.#skipped++;
    this.#lastSkipReason = reason;
    this.#note(recorded, false);
  }

  #note(recorded: { exchangeIds?: readonly string[]; attempts?: number }, telling: boolean) {
    this.#attempts = Math.max(this.#attempts, recorded.attempts ?? 1);
    // The first subjects' exchanges, then only those of subjects with findings.
    const room = MAX_TALLY_EXCHANGE_IDS - this.#exchangeIds.length;
    if (room > 0 && (telling || this.#judged + this.#skipped <= 5)) {
      this.#exchangeIds.push(...(recorded.exchangeIds ?? []).slice(0, room));
    }
  }

  /** Subjects with an error finding so far. */
  get failed(): number {
    return this.#failed;
  }

  /** The check as it stands: it fails on any failing subject; with nothing judged it is skipped, saying why. */
  check(durationMs: number, nothingReason: string): CheckResult {
    const findings = [...this.#findings];
    const status = this.#failed > 0 ? 'fail' : this.#warned > 0 ? 'warn' : this.#judged > 0 ? 'pass' : 'skip';
    return {
      name: this.name,
      category: this.category,
      status,
      findings,
      durationMs,
      ...(status === 'skip'
        ? { skipReason: this.#lastSkipReason ? `${nothingReason}: ${this.#lastSkipReason}` : nothingReason }
        : {}),
      attempts: this.#attempts,
      exchangeIds: [...this.#exchangeIds],
      tally: {
        unit: this.unit,
        judged: this.#judged,
        failed: this.#failed,
        warned: this.#warned,
        skipped: this.#skipped,
        findings: this.#total,
      },
    };
  }
}
