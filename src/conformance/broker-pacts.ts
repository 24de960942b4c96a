import { BrokerError } from '../broker/broker-error.ts';
import type { BrokerConnection } from '../broker/hal.ts';
import { type BrokerPact, noticesAfterVerification } from '../broker/pacts-for-verification.ts';
import { publishVerificationResult, type VerificationTest } from '../broker/publish-result.ts';
import type { PactSource } from '../contract/pact.ts';
import type { CheckResult } from '../core/check.ts';
import { truncateText } from '../core/truncate.ts';
import type { ConformanceResult, PactPublication } from '../report/conformance-result.ts';
import { failedUnlessPending, PENDING_REASON, pactHonoured } from './verdict.ts';

// The broker's pacts in a conformance run (the run's glue to src/broker/). Before it: each pact a source of the run, named by consumer and
// consumer version, with what the broker said about it. After it: each pact's own result published, the
// run's verdict on that pact (its interactions), not the verifier's, and only for a run that finished.

/** A pact from the broker as the run verifies it: its source (id fixed here) and the broker's record. */
export interface RunPact {
  source: PactSource & { id: string };
  pact: BrokerPact;
}

/** `consumer@version`: readable, and what a Pact user calls a pact. */
const idOf = (pact: Pick<BrokerPact, 'consumer' | 'consumerVersion'>): string =>
  `${pact.consumer}@${pact.consumerVersion}`;

/** The broker's pacts as the run's sources, in the broker's order; ids unique (`-2`, `-3` when repeated). */
export const runPactsOf = (pacts: readonly BrokerPact[]): RunPact[] => {
  const taken = new Set<string>();
  return pacts.map((pact) => {
    const wanted = idOf(pact);
    let id = wanted;
    for (let n = 2; taken.has(id); n++) id = `${wanted}-${n}`;
    taken.add(id);
    const notices = pact.notices.filter((n) => n.when === 'before_verification').map((n) => n.text);
    return {
      source: {
        path: pact.path,
        id,
        consumerVersion: pact.consumerVersion,
        url: pact.url,
        pending: pact.pending,
        wip: pact.wip,
        ...(pact.selectedBecause && { selectedBecause: pact.selectedBecause }),
        ...(notices.length > 0 && { notices }),
      },
      pact,
    };
  });
};

/** The CI build that verified, for the broker to link: a GitHub Actions run when the variables say so. */
export const buildUrlOf = (env: NodeJS.ProcessEnv): string | undefined => {
  const { GITHUB_SERVER_URL: server, GITHUB_REPOSITORY: repository, GITHUB_RUN_ID: run } = env;
  return server && repository && run
    ? `${server.replace(/\/+$/, '')}/${repository}/actions/runs/${run}`
    : undefined;
};

/** At most this many mismatches per test, each at most this long: a hostile target cannot bloat the broker. */
export const MISMATCHES_PER_TEST = 10;
export const MISMATCH_CHARS = 500;

const isPendingNote = (finding: CheckResult['findings'][number]): boolean =>
  finding.keyword === 'pending' && finding.message === PENDING_REASON;

/**
 * The pact's interactions as the Pact verifiers report them in `testResults`: one test per interaction
 * verified (skipped ones were not), its success, and for a failure the findings as mismatches. These are
 * the checks `pactHonoured` decides the pact's success from, so the two always agree.
 */
export const verificationTestsOf = (
  result: Pick<ConformanceResult, 'checks'>,
  pactId: string,
): VerificationTest[] =>
  result.checks
    .filter((c) => c.pact === pactId && c.category === 'pact' && c.status !== 'skip')
    .map((check) => {
      const failed = failedUnlessPending(check);
      const mismatches = check.findings
        .filter((f) => !isPendingNote(f))
        .slice(0, MISMATCHES_PER_TEST)
        .map((f) => ({
          ...(f.keyword && { attribute: f.keyword }),
          identifier: f.pointer === '' ? '(root)' : f.pointer,
          description: truncateText(f.message, MISMATCH_CHARS),
        }));
      return {
        testDescription: check.name,
        interactionDescription: check.name,
        success: !failed,
        ...(failed && mismatches.length > 0 && { mismatches }),
      };
    });

export interface PublishOptions {
  connection: BrokerConnection;
  providerVersion: string;
  providerBranch?: string;
  buildUrl?: string;
  /** Told of each pact as it is published, with the notices the broker asks to show after it. */
  onPublished?(runPact: RunPact, publication: PactPublication, notices: string[]): void;
}

export interface Publications {
  /** By pact id: what was published, or why not. */
  publications: Map<string, PactPublication>;
  /** The broker failed: the reports record it, and the run exits 2 after writing them. */
  error?: BrokerError;
  /** Publishing failed for a reason of ours: the reports record it, and the run exits 3 after them. */
  internal?: string;
}

/**
 * Publishes each pact's result: success when the target honoured it (a failing pending pact publishes a
 * failure, though the verdict passes). One pact after another; at the first broker error, or when the
 * signal stops the run, the rest are recorded as not published, with the reason.
 */
export const publishResults = async (
  result: Pick<ConformanceResult, 'checks'>,
  runPacts: readonly RunPact[],
  options: PublishOptions,
): Promise<Publications> => {
  const publications = new Map<string, PactPublication>();
  let error: BrokerError | undefined;
  let internal: string | undefined;
  let stoppedBecause: string | undefined;
  for (const runPact of runPacts) {
    const { id } = runPact.source;
    const success = pactHonoured(result, id);
    const base: PactPublication = {
      published: false,
      success,
      providerVersion: options.providerVersion,
      ...(options.providerBranch && { providerBranch: options.providerBranch }),
    };
    if (stoppedBecause !== undefined) {
      publications.set(id, { ...base, error: stoppedBecause });
      continue;
    }
    try {
      const published = await publishVerificationResult(options.connection, runPact.pact, {
        success,
        providerVersion: options.providerVersion,
        ...(options.providerBranch && { providerBranch: options.providerBranch }),
        ...(options.buildUrl && { buildUrl: options.buildUrl }),
        tests: verificationTestsOf(result, id),
      });
      const publication = { ...base, published: true, url: published.url };
      publications.set(id, publication);
      const notices = noticesAfterVerification(runPact.pact, success, true).map((n) => n.text);
      options.onPublished?.(runPact, publication, notices);
    } catch (caught) {
      if (options.connection.signal?.aborted) {
        stoppedBecause = `publishing stopped: ${(options.connection.signal.reason as Error)?.message ?? 'aborted'}`;
        publications.set(id, { ...base, error: stoppedBecause });
        continue;
      }
      // Whatever failed, what was verified and what was published so far still reach the reports.
      if (caught instanceof BrokerError) error = caught;
      else internal = `internal error: ${(caught as Error).message.split('\n')[0] || 'unknown'}`;
      stoppedBecause = 'publishing stopped at an earlier error';
      publications.set(id, { ...base, error: error?.message ?? (internal as string) });
    }
  }
  return { publications, ...(error && { error }), ...(internal !== undefined && { internal }) };
};

/** The result with each pact's publication recorded, for the reports. */
export const withPublications = (
  result: ConformanceResult,
  publications: ReadonlyMap<string, PactPublication>,
): ConformanceResult => ({
  ...result,
  pacts: result.pacts.map((pact) => {
    const publication = publications.get(pact.id);
    return publication ? { ...pact, publication } : pact;
  }),
});
