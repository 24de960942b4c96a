import type { IncomingHttpHeaders } from 'node:http';
import type { Redactor } from '../redact.ts';

/** How much of a body a recorded exchange shows: enough to read an error, small enough for a report. */
export const EXCERPT_CHARS = 2048;

/** Slack past the excerpt so a secret that starts inside it is redacted whole before the cut. */
const LOOKAHEAD = 512;

/** The start of a body as text for a person, secrets redacted; encoded bodies are described, not shown. */
export const bodyExcerpt = (body: Uint8Array, headers: IncomingHttpHeaders, redactor: Redactor): string => {
  if (body.length === 0) return '';
  const encoding = headers['content-encoding']?.trim().toLowerCase();
  if (encoding && encoding !== 'identity')
    return `[${encoding}-encoded body of ${body.length} bytes not shown]`;
  const longest = Math.max(LOOKAHEAD, ...redactor.secrets.map((secret) => secret.length + 16));
  const window = Buffer.from(
    body.buffer,
    body.byteOffset,
    Math.min(body.length, EXCERPT_CHARS * 4 + longest),
  );
  return redactor.text(window.toString('utf8').slice(0, EXCERPT_CHARS + longest)).slice(0, EXCERPT_CHARS);
};
