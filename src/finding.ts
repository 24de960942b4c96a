/** One thing a check found, as data. `pointer` is an RFC 6901 JSON Pointer into the body checked. */
export type Severity = 'error' | 'warning';

export interface Finding {
  pointer: string;
  message: string;
  severity: Severity;
  keyword?: string;
}
