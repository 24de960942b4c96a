import { withoutUserinfo } from '../secrets/userinfo.ts';
import { BrokerError } from './broker-error.ts';
import { type BrokerConnection, linksOf, openBroker } from './hal.ts';
import type { BrokerPact } from './pacts-for-verification.ts';

// Publishes the verification result of one pact to the broker, as the official verifier does: the provider
// version is first put on its branch (the index's pb:pacticipant-branch-version), then the result is POSTed
// to the pact's pb:publish-verification-results link. The caller decides whether and when: only a run that
// finished, with its own verdict for that pact.

/** One check of the pact's verification, as the Pact verifiers report them in `testResults`. */
export interface VerificationTest {
  testDescription: string;
  success: boolean;
  interactionDescription?: string;
  mismatches?: { attribute?: string; identifier?: string; description: string }[];
}

export interface VerificationResult {
  success: boolean;
  providerVersion: string;
  providerBranch?: string;
  /** The CI build that verified, linked from the broker. */
  buildUrl?: string;
  tests?: VerificationTest[];
}

/** Who verified: shown by the broker next to the result. */
export const VERIFIED_BY = { implementation: 'project-api-key-contract' } as const;

/** The verification result on the broker, as it answered. */
export interface PublishedResult {
  url: string;
}

export const publishVerificationResult = async (
  connection: BrokerConnection,
  pact: Pick<BrokerPact, 'provider' | 'publishResultsUrl'>,
  result: VerificationResult,
): Promise<PublishedResult> => {
  const broker = await openBroker(connection);
  try {
    if (result.providerBranch) {
      const url = broker.link('pb:pacticipant-branch-version', {
        pacticipant: pact.provider,
        branch: result.providerBranch,
        version: result.providerVersion,
      });
      const answer = await broker.request('PUT', url, 'putting the provider version on its branch', {});
      if (answer.status !== 200 && answer.status !== 201) {
        throw new BrokerError(
          broker.brokerUrl,
          answer.status === 400 ? 'rejected' : 'unexpected',
          `answered ${answer.status} to putting ${pact.provider} ${result.providerVersion} on branch ${result.providerBranch}: ${answer.said}`,
        );
      }
    }
    const body = {
      success: result.success,
      providerApplicationVersion: result.providerVersion,
      verifiedBy: VERIFIED_BY,
      ...(result.buildUrl && { buildUrl: result.buildUrl }),
      ...(result.tests && { testResults: { tests: result.tests } }),
    };
    const answer = await broker.request(
      'POST',
      pact.publishResultsUrl,
      'publishing a verification result',
      body,
    );
    if (answer.status !== 201 && answer.status !== 200) {
      throw new BrokerError(
        broker.brokerUrl,
        answer.status === 400 || answer.status === 404 ? 'rejected' : 'unexpected',
        `answered ${answer.status} to publishing the verification result: ${answer.said}`,
      );
    }
    return { url: withoutUserinfo(linksOf(answer.json).self?.href ?? pact.publishResultsUrl) };
  } finally {
    broker.close();
  }
};
