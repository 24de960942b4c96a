import { type ChangeKind, judge, type Side } from './rules.ts';

// One change between two versions of an operation, as data: what changed, where, and whom it breaks.

export interface Change {
  kind: ChangeKind;
  /**
   * Into the response body (`/owner/user/added_at`), or into the operation (`/parameters/1`,
   * `/responses/404/headers/Retry-After`, `/security/0`). Where the value has no name of its own the
   * schema's keyword stands in: a branch (`/owner/oneOf/1`), any other property (`/meta/additionalProperties`).
   */
  pointer: string;
  /** What the old document says here (a type, a flag, an enum, a bound, a name), or null when it says nothing. */
  from: unknown;
  to: unknown;
  breaksConsumers: boolean;
  breaksProviders: boolean;
  /** The document's keyword that changed: `maxLength`, `exclusiveMinimum`, `enum`, `required`, `security`. */
  keyword: string;
  /** The change and why it breaks whom it breaks, in one line. */
  message: string;
}

/** Where a change is and what it is about. */
export interface At {
  side: Side;
  pointer: string;
  keyword: string;
}

/** A change of `kind` at `at`, from `from` to `to`, judged by the rules; `fact` says what changed. */
export function change(kind: ChangeKind, at: At, from: unknown, to: unknown, fact: string): Change {
  const { breaksConsumers, breaksProviders, why } = judge(kind, at.side);
  return {
    kind,
    pointer: at.pointer,
    from,
    to,
    breaksConsumers,
    breaksProviders,
    keyword: at.keyword,
    message: `${fact}: ${why}`,
  };
}
