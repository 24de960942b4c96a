import { AsyncLocalStorage } from 'node:async_hooks';
import type { Exchange } from './exchange.ts';

/** What runs inside `withCheck`: the label, and where the exchanges it causes are also handed. */
interface CheckScope {
  label: string;
  sink: Exchange[] | undefined;
}

/** A group of exchanges whose labels share a prefix, kept only in part (a sweep's thousands). */
interface Group {
  prefix: string;
  /** The first this many are kept. */
  keep: number;
  /** Beyond those, at most this many more when `retain` asks (the exchanges of failing keys). */
  retain: number;
  kept: number;
  retained: number;
  omitted: number;
}

/** How many exchanges of a kept-in-part group were left out. */
export interface OmittedExchanges {
  prefix: string;
  omitted: number;
}

/**
 * Every exchange with the target, in the order they finished, with ids `ex-1`, `ex-2`, …
 * A check labels the exchanges it causes by running inside `withCheck`; the label follows the async
 * work it starts, so checks running side by side are not mixed up. A group of labels (a sweep's) may be
 * kept only in part: its first exchanges, and those asked for later, so 20,000 requests do not make
 * 20,000 recorded exchanges; ids stay unique and in order, and the rest are counted.
 */
export class ExchangeRecorder {
  readonly #exchanges: Exchange[] = [];
  readonly #check = new AsyncLocalStorage<CheckScope>();
  readonly #groups: Group[] = [];
  #next = 1;
  #unordered = false;

  /**
   * Runs `work` with `check` as the label of every exchange it causes; returns what `work` returns. `sink`
   * gets each of those exchanges too, kept or not: the caller judges them without searching the record.
   */
  withCheck<T>(check: string, work: () => T, sink?: Exchange[]): T {
    return this.#check.run({ label: check, sink }, work);
  }

  /** The label of the check running now, if any. */
  currentCheck(): string | undefined {
    return this.#check.getStore()?.label;
  }

  /**
   * Keeps only the first `keep` exchanges whose label starts with `prefix`, and at most `retain` more that
   * `retain()` asks for; the others are counted (`omitted()`), not kept.
   */
  keepInPart(prefix: string, keep: number, retain: number): void {
    this.#groups.push({ prefix, keep, retain, kept: 0, retained: 0, omitted: 0 });
  }

  #groupOf(check: string | undefined): Group | undefined {
    return check === undefined ? undefined : this.#groups.find((group) => check.startsWith(group.prefix));
  }

  /** Stores a finished exchange under the next id; an explicit `check` wins over the current one. */
  record(exchange: Omit<Exchange, 'id'>): Exchange {
    const { check: explicit, ...rest } = exchange;
    const scope = this.#check.getStore();
    const check = explicit ?? scope?.label;
    const recorded: Exchange = {
      id: `ex-${this.#next++}`,
      ...(check === undefined ? {} : { check }),
      ...rest,
    };
    scope?.sink?.push(recorded);
    const group = this.#groupOf(check);
    if (group && group.kept >= group.keep) group.omitted++;
    else {
      if (group) group.kept++;
      this.#exchanges.push(recorded);
    }
    return recorded;
  }

  /** Keeps an exchange its group left out (a failing key's), while the group's room for such lasts. */
  retain(exchange: Exchange): boolean {
    const group = this.#groupOf(exchange.check);
    if (!group || this.#exchanges.includes(exchange)) return true;
    if (group.retained >= group.retain) return false;
    group.retained++;
    group.omitted--;
    this.#exchanges.push(exchange);
    this.#unordered = true;
    return true;
  }

  /** Exchanges of each kept-in-part group that were left out. */
  omitted(): OmittedExchanges[] {
    return this.#groups.map(({ prefix, omitted }) => ({ prefix, omitted }));
  }

  exchanges(): readonly Exchange[] {
    if (this.#unordered) {
      const number = (exchange: Exchange) => Number(exchange.id.slice(3));
      this.#exchanges.sort((a, b) => number(a) - number(b));
      this.#unordered = false;
    }
    return [...this.#exchanges];
  }

  /** The exchanges a check caused, in order. */
  exchangesOf(check: string): Exchange[] {
    return this.exchanges().filter((exchange) => exchange.check === check);
  }
}
