import type { Exchange } from './exchange.ts';

export const TRANSPORT_ERROR_KINDS = ['timeout', 'connection', 'too-large', 'protocol'] as const;
export type TransportErrorKind = (typeof TRANSPORT_ERROR_KINDS)[number];

/** What went wrong in one attempt, worded for a person in one line, with no secret in it. */
export interface TransportFailure {
  kind: TransportErrorKind;
  message: string;
}

/**
 * The policy could not get a usable response: no answer in time, no connection, a body over the cap,
 * or something that is not HTTP. Carries the recorded exchange (every attempt, secrets redacted).
 */
export class TransportError extends Error {
  override name = 'TransportError';
  readonly kind: TransportErrorKind;
  readonly exchange: Exchange;

  constructor(failure: TransportFailure, exchange: Exchange) {
    super(failure.message);
    this.kind = failure.kind;
    this.exchange = exchange;
  }
}
