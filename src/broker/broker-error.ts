import { withoutUserinfo } from '../secrets/userinfo.ts';

// Why the Pact Broker could not be used, as one line naming the broker and the cause. All of these are
// configuration problems of the person running us (exit 2), found before any request to the target.

export type BrokerProblem =
  | 'unreachable'
  | 'unauthorized'
  | 'forbidden'
  | 'not-a-broker'
  | 'unknown-provider'
  | 'rejected'
  /** An answer over the size cap, or output over the cap from the pact CLI talking to the broker. */
  | 'too-large'
  /** The broker (or the pact CLI talking to it) took longer than allowed. */
  | 'timeout'
  | 'unexpected';

export class BrokerError extends Error {
  override readonly name = 'BrokerError';

  constructor(
    readonly brokerUrl: string,
    readonly problem: BrokerProblem,
    readonly detail: string,
  ) {
    super(`Pact Broker ${withoutUserinfo(brokerUrl)}: ${detail}`);
  }
}
