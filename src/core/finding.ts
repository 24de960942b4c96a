/**
 * One thing a check found, as data. `pointer` is an RFC 6901 JSON Pointer into the body checked. A `note` is
 * about the document or the pact, not the target: it neither fails nor warns about the target.
 */
export type Severity = 'error' | 'warning' | 'note';

export interface Finding {
  pointer: string;
  message: string;
  severity: Severity;
  keyword?: string;
}
