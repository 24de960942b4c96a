import { AsyncLocalStorage } from 'node:async_hooks';
import type { Exchange } from './exchange.ts';

/**
 * Every exchange with the target, in the order they finished, with ids `ex-1`, `ex-2`, …
 * A check labels the exchanges it causes by running inside `withCheck`; the label follows the async
 * work it starts, so checks running side by side are not mixed up.
 */
export class ExchangeRecorder {
  readonly #exchanges: Exchange[] = [];
  readonly #check = new AsyncLocalStorage<string>();

  /** Runs `work` with `check` as the label of every exchange it causes; returns what `work` returns. */
  withCheck<T>(check: string, work: () => T): T {
    return this.#check.run(check, work);
  }

  /** The label of the check running now, if any. */
  currentCheck(): string | undefined {
    return this.#check.getStore();
  }

  /** Stores a finished exchange under the next id; an explicit `check` wins over the current one. */
  record(exchange: Omit<Exchange, 'id'>): Exchange {
    const { check: explicit, ...rest } = exchange;
    const check = explicit ?? this.currentCheck();
    const recorded: Exchange = {
      id: `ex-${this.#exchanges.length + 1}`,
      ...(check === undefined ? {} : { check }),
      ...rest,
    };
    this.#exchanges.push(recorded);
    return recorded;
  }

  exchanges(): readonly Exchange[] {
    return [...this.#exchanges];
  }

  /** The exchanges a check caused, in order. */
  exchangesOf(check: string): Exchange[] {
    return this.#exchanges.filter((exchange) => exchange.check === check);
  }
}
