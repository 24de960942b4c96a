import { truncateText } from '../core/truncate.ts';
import type { Redactor } from '../secrets/redact.ts';
import { codingsOf } from './decode.ts';

/** How much of a body a recorded exchange shows: enough to read an error, small enough for a report. */
export const EXCERPT_CHARS = 2048;

/** Slack past the excerpt so a secret that starts inside it is redacted whole before the cut. */
const LOOKAHEAD = 512;

/**
 * The start of a body as text for a person, secrets redacted, and cut (saying how many bytes the body
 * had: `totalBytes`, more than `body` holds when the cap cut it off) when it does not fit.
 * `contentEncoding` is the coding the bytes are still in: such a body is described, not shown.
 */
export const bodyExcerpt = (
  body: Uint8Array,
  contentEncoding: string | undefined,
  redactor: Redactor,
  totalBytes: number = body.length,
): string => {
  if (body.length === 0) return '';
  const codings = codingsOf(contentEncoding);
  if (codings.length > 0) {
    return `[${truncateText(codings.join(', '), 64)}-encoded body of ${totalBytes} bytes not shown]`;
  }
  const longest = Math.max(LOOKAHEAD, ...redactor.secrets.map((secret) => secret.length + 16));
  const window = Buffer.from(
    body.buffer,
    body.byteOffset,
    Math.min(body.length, EXCERPT_CHARS * 4 + longest),
  );
  const decoded = window.toString('utf8');
  const text = decoded.slice(0, EXCERPT_CHARS + longest);
  // Redacted before the cut, with slack past it, so no cut leaves the head of a secret behind.
  const redacted = redactor.text(text);
  const whole = window.length === totalBytes && text.length === decoded.length;
  if (whole && redacted.length <= EXCERPT_CHARS) return redacted;
  return truncateText(redacted, EXCERPT_CHARS, { count: totalBytes, unit: 'bytes' });
};
