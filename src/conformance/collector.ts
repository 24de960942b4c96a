import type { CheckResult } from '../core/check.ts';

/**
 * The checks gathered so far. The run adds to it as it goes, so an interrupted run still has every
 * check that finished to write into its reports.
 */
export class CheckCollector {
  readonly #checks: CheckResult[] = [];

  add(...checks: CheckResult[]): void {
    this.#checks.push(...checks);
  }

  /** Times `work` and adds the checks it returns, with the duration spread over them. */
  async timed(work: () => Promise<Omit<CheckResult, 'durationMs'>[]> | Omit<CheckResult, 'durationMs'>[]) {
    const started = performance.now();
    const drafts = await work();
    const durationMs = Math.round(performance.now() - started);
    this.add(
      ...drafts.map((draft) => ({
        ...draft,
        durationMs: drafts.length > 1 ? Math.round(durationMs / drafts.length) : durationMs,
      })),
    );
  }

  get checks(): readonly CheckResult[] {
    return this.#checks;
  }
}
