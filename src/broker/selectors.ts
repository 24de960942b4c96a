// Consumer version selectors: a leaf module, so checking the run's flags loads no broker client.

/** One consumer version selector, as the broker takes it (`{"branch": "main"}`, `{"deployed": true}`, ...). */
export type ConsumerVersionSelector = Record<string, unknown>;

/** The broker's default selection, as the Pact docs recommend: the main branch and what is deployed. */
export const DEFAULT_CONSUMER_VERSION_SELECTORS: readonly ConsumerVersionSelector[] = Object.freeze([
  { mainBranch: true },
  { deployedOrReleased: true },
]);
