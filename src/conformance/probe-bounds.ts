// How much the probe stage may send, apart from the stage itself: the run prints its worst case before
// it loads fast-check.

/** Probes in flight at once. */
export const PROBE_CONCURRENCY = 4;

/** Requests spent shrinking failures to their smallest case, across all rules. */
export const SHRINK_BUDGET = 40;

/** The most requests the stage sends for `probes` generated ones: those, and the shrink budget. */
export function probeRequestBound(probes: number): number {
  return probes > 0 ? probes + SHRINK_BUDGET : 0;
}

/** The longest the stage can take, in exchanges one after another: probes go a few at a time, shrinking one by one. */
export function probeSerialBound(probes: number): number {
  return probes > 0 ? Math.ceil(probes / PROBE_CONCURRENCY) + SHRINK_BUDGET : 0;
}
