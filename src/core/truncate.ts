// The one way provider data is cut short for a person: a head, then what was cut, in words.
// Cut only text that is already redacted: a secret straddling the cut would leave its head behind.

/** What the whole was, when the text given is itself only a window onto it (a body's first bytes). */
export interface TruncatedWhole {
  count: number;
  unit: 'characters' | 'bytes';
}

/** No console line is longer: a finding line holds at most a report's string limit twice over. */
export const CONSOLE_LINE_CHARS = 8192;

/** `… (5242880 characters, truncated)`: appended to every cut text. */
export const truncationMark = ({ count, unit }: TruncatedWhole): string => `… (${count} ${unit}, truncated)`;

/**
 * `text` whole when it fits in `limit` characters, else its head and a mark saying how long the whole
 * was, the two together at most `limit` characters long (so cutting again changes nothing). `whole`
 * says that `text` is already a part of something larger (a body read in part): then it is always marked.
 */
export const truncateText = (text: string, limit: number, whole?: TruncatedWhole): string => {
  if (text.length <= limit && whole === undefined) return text;
  const mark = truncationMark(whole ?? { count: text.length, unit: 'characters' });
  let end = Math.max(0, Math.min(text.length, limit - mark.length));
  // Never leave half of a surrogate pair at the end of the head.
  const last = text.charCodeAt(end - 1);
  if (end > 0 && last >= 0xd800 && last <= 0xdbff) end -= 1;
  return `${text.slice(0, end)}${mark}`;
};

/** Each line of `text` cut to `limit` characters: for console output, where one line is read at a time. */
export const truncateLines = (text: string, limit: number): string =>
  text
    .split('\n')
    .map((line) => truncateText(line, limit))
    .join('\n');
