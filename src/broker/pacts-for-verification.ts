import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { withoutUserinfo } from '../secrets/userinfo.ts';
import { BrokerError } from './broker-error.ts';
import { type BrokerConnection, type HalClient, linksOf, openBroker } from './hal.ts';
import { type ConsumerVersionSelector, DEFAULT_CONSUMER_VERSION_SELECTORS } from './selectors.ts';

// The pacts a provider should verify, fetched from a Pact Broker as pact files on disk, each with what the
// broker says about it: consumer and version, its URL, pending and WIP status, notices, and where its
// verification result goes.
//
// Why our own HAL client (index -> pb:provider-pacts-for-verification POST -> each pact) and not the
// official `pact verifier -b ...`: tried both against the real broker (pact_broker 2.113, pact CLI 18.1.2).
//  - The verifier's `--json` report is flat: `interactionResults` carry only a description and an id, not
//    the pact, consumer version, URL or pending status they belong to; pending shows only as the split
//    errors/pendingErrors, and notices of all pacts are merged. One group per pact cannot be built from it.
//  - `--publish` publishes when the verifier finishes, with the verifier's verdict on its interactions:
//    not the run's verdict for that pact (schema, semantic and security checks come later), and not
//    withheld when the run is interrupted or incomplete after that. We must choose when, and what.
//  - Broker failures all become exit 1 "No pacts found for provider ... in pact broker": an unreachable
//    broker, a URL that is not a broker and an unknown provider read the same, and surface only in the
//    verify stage, as a failed verification (1) rather than a configuration error (2) found up front.
//  - It publishes only for pacts it fetched itself; for a `-f` file it publishes nothing (checked: not even
//    for a file that still had the broker's pb:publish-verification-results link).
// So we fetch here (failing early with a BrokerError that names the cause), hand the verifier local files
// (`-f`, written without the broker's `_links`: a plain pact), and publish each result ourselves
// (publish-result.ts), with the run's verdict for that pact.

export interface PactsForVerificationRequest extends BrokerConnection {
  provider: string;
  /** Default DEFAULT_CONSUMER_VERSION_SELECTORS. */
  consumerVersionSelectors?: readonly ConsumerVersionSelector[];
  /** The branch of the provider version being verified: the broker works out pending and WIP from it. */
  providerVersionBranch?: string;
  enablePending?: boolean;
  /** A date (YYYY-MM-DD): include work-in-progress pacts published since then (needs the branch). */
  includeWipPactsSince?: string;
  /** Instead of selectors: the one pact at this URL on the broker (a webhook's `pact_url`). */
  pactUrl?: string;
}

export interface BrokerNotice {
  /** `before_verification`, or `after_verification:success_<bool>_published_<bool>`. */
  when: string;
  text: string;
}

export interface BrokerPact {
  /** A local file with the pact, for the verifier's `-f`. */
  path: string;
  consumer: string;
  consumerVersion: string;
  provider: string;
  /** The pact on the broker, for people (the consumer version's pact). */
  url: string;
  /** Failures are warnings, not failures of the verdict (Pact's pending pacts). A WIP pact is pending. */
  pending: boolean;
  /** Work in progress: selected by `includeWipPactsSince`, not by a selector. */
  wip: boolean;
  /** Why the broker selected it, e.g. "latest from main branch". */
  selectedBecause?: string;
  notices: BrokerNotice[];
  /** Where a verification result for this pact is POSTed; it carries the selection, so keep it as is. */
  publishResultsUrl: string;
}

export type PactsForVerification =
  | {
      outcome: 'pacts';
      pacts: BrokerPact[];
      /** The temporary folder holding the pact files. */
      dir: string;
      /** Removes the pact files. */
      dispose(): Promise<void>;
    }
  | {
      /** The broker has no pact for the provider that the selectors pick: nothing can be verified. */
      outcome: 'none';
      reason: string;
    };

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const asString = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

/** What the for-verification answer says about one pact (pure: tested without a broker). */
export interface SelectedPact {
  href: string;
  pending: boolean;
  wip: boolean;
  selectedBecause?: string;
  notices: BrokerNotice[];
}

export const selectedPactsOf = (document: unknown): SelectedPact[] | undefined => {
  const embedded = isObject(document) && isObject(document._embedded) ? document._embedded : undefined;
  if (!embedded || !Array.isArray(embedded.pacts)) return undefined;
  return embedded.pacts.flatMap((entry): SelectedPact[] => {
    const href = linksOf(entry).self?.href;
    if (!href || !isObject(entry)) return [];
    const properties = isObject(entry.verificationProperties) ? entry.verificationProperties : {};
    const notices = Array.isArray(properties.notices)
      ? properties.notices.flatMap((notice): BrokerNotice[] =>
          isObject(notice) && typeof notice.text === 'string'
            ? [{ when: asString(notice.when) ?? 'before_verification', text: notice.text }]
            : [],
        )
      : [];
    const wip = properties.wip === true;
    const selectedBecause = asString(entry.shortDescription);
    return [
      {
        href,
        pending: properties.pending === true || wip,
        wip,
        notices,
        ...(selectedBecause && { selectedBecause }),
      },
    ];
  });
};

/** The notices the broker asks to be shown after a verification with this outcome. */
export const noticesAfterVerification = (
  pact: Pick<BrokerPact, 'notices'>,
  success: boolean,
  published: boolean,
): BrokerNotice[] =>
  pact.notices.filter(
    (notice) => notice.when === `after_verification:success_${success}_published_${published}`,
  );

const fileNameOf = (index: number, consumer: string, version: string): string =>
  `${String(index + 1).padStart(2, '0')}-${`${consumer}-${version}`.replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 100)}.json`;

const selectorsText = (selectors: readonly ConsumerVersionSelector[]): string => JSON.stringify(selectors);

/** Fetches one pact document and writes it (without HAL links) into `dir`. */
const fetchPact = async (
  broker: HalClient,
  selected: SelectedPact,
  provider: string,
  dir: string,
  index: number,
): Promise<BrokerPact> => {
  const answer = await broker.request('GET', selected.href, 'a request for a pact');
  const unusable = (why: string): never => {
    throw new BrokerError(
      broker.brokerUrl,
      answer.status === 404 ? 'rejected' : 'unexpected',
      `${why} (GET ${withoutUserinfo(selected.href)})`,
    );
  };
  if (answer.status !== 200) unusable(`answered ${answer.status} for a pact: ${answer.said}`);
  const pact = answer.json;
  if (!isObject(pact) || !Array.isArray(pact.interactions))
    unusable('answered with something that is not a pact');
  const document = pact as Json;
  const links = linksOf(document);
  const consumer = asString(isObject(document.consumer) ? document.consumer.name : undefined);
  const pactProvider = asString(isObject(document.provider) ? document.provider.name : undefined);
  const consumerVersion = links['pb:consumer-version']?.name;
  const publishResultsUrl = links['pb:publish-verification-results']?.href;
  if (!consumer || !consumerVersion || !publishResultsUrl) {
    unusable(
      'answered with a pact without its consumer, consumer version or pb:publish-verification-results link',
    );
  }
  if (pactProvider !== provider) unusable(`the pact is for provider "${pactProvider}", not "${provider}"`);
  const { _links, ...content } = document;
  const path = join(dir, fileNameOf(index, consumer as string, consumerVersion as string));
  await writeFile(path, `${JSON.stringify(content, null, 2)}\n`, { flag: 'wx' });
  return {
    path,
    consumer: consumer as string,
    consumerVersion: consumerVersion as string,
    provider,
    // Shown in every report: whatever credentials a broker puts in its links stay out.
    url: withoutUserinfo(links.self?.href ?? selected.href),
    pending: selected.pending,
    wip: selected.wip,
    ...(selected.selectedBecause && { selectedBecause: selected.selectedBecause }),
    notices: selected.notices,
    publishResultsUrl: publishResultsUrl as string,
  };
};

/** What the broker selects for `provider`: the for-verification POST, or the one `pactUrl`. */
const selectPacts = async (
  broker: HalClient,
  request: PactsForVerificationRequest,
): Promise<SelectedPact[]> => {
  if (request.pactUrl) return [{ href: request.pactUrl, pending: false, wip: false, notices: [] }];
  const url = broker.link('pb:provider-pacts-for-verification', { provider: request.provider });
  const body = {
    consumerVersionSelectors: request.consumerVersionSelectors ?? DEFAULT_CONSUMER_VERSION_SELECTORS,
    includePendingStatus: request.enablePending ?? false,
    ...(request.providerVersionBranch && { providerVersionBranch: request.providerVersionBranch }),
    ...(request.includeWipPactsSince && { includeWipPactsSince: request.includeWipPactsSince }),
  };
  const answer = await broker.request('POST', url, 'the request for the pacts for verification', body);
  if (answer.status === 404) {
    throw new BrokerError(
      broker.brokerUrl,
      'unknown-provider',
      `knows no provider named "${request.provider}" (${answer.said}): has a consumer published a pact for it?`,
    );
  }
  if (answer.status === 400 || answer.status === 422) {
    throw new BrokerError(
      broker.brokerUrl,
      'rejected',
      `rejected the request for pacts to verify: ${answer.said}`,
    );
  }
  if (answer.status !== 200) {
    throw new BrokerError(
      broker.brokerUrl,
      'unexpected',
      `answered ${answer.status} to the request for pacts to verify: ${answer.said}`,
    );
  }
  const selected = selectedPactsOf(answer.json);
  if (!selected) {
    throw new BrokerError(
      broker.brokerUrl,
      'unexpected',
      'answered the request for pacts to verify without a list of pacts',
    );
  }
  return selected;
};

/**
 * The pacts the broker at `request.brokerUrl` selects for `request.provider`, written to a fresh temporary
 * folder. Throws a BrokerError (nothing left on disk) when the broker cannot be used; resolves with outcome
 * `none` when it has no pact to verify.
 */
export const fetchPactsForVerification = async (
  request: PactsForVerificationRequest,
): Promise<PactsForVerification> => {
  const broker = await openBroker(request);
  try {
    const selected = await selectPacts(broker, request);
    if (selected.length === 0) {
      return {
        outcome: 'none',
        reason: `Pact Broker ${broker.brokerUrl} has no pact for ${request.provider} matching the consumer version selectors ${selectorsText(request.consumerVersionSelectors ?? DEFAULT_CONSUMER_VERSION_SELECTORS)}: nothing was verified`,
      };
    }
    const dir = await mkdtemp(join(tmpdir(), 'broker-pacts-'));
    const dispose = () => rm(dir, { recursive: true, force: true });
    try {
      const pacts: BrokerPact[] = [];
      for (const [index, pact] of selected.entries()) {
        pacts.push(await fetchPact(broker, pact, request.provider, dir, index));
      }
      return { outcome: 'pacts', pacts, dir, dispose };
    } catch (error) {
      await dispose();
      throw error;
    }
  } finally {
    broker.close();
  }
};
