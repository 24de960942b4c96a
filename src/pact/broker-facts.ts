// What a Pact Broker said about a pact it served: carried from the pact as loaded (contract/pact.ts)
// to the pact as reported (report/result.ts), two peers that may not import each other.

/** A pact's broker facts; all absent for a pact from a file. */
export interface BrokerPactFacts {
  /** The consumer version the pact belongs to, as the broker knows it. */
  consumerVersion?: string;
  /** Where the pact lives on a broker. */
  url?: string;
  /** Pending (or work in progress): its failing checks are warnings and do not fail the run. */
  pending?: boolean;
  /** A work-in-progress pact the broker included (WIP pacts are pending too). */
  wip?: boolean;
  /** Why the broker selected it, in its words (e.g. "latest from main branch"). */
  selectedBecause?: string;
  /** What the broker asked to be shown before verifying it: why it was selected, why it is pending. */
  notices?: string[];
}
