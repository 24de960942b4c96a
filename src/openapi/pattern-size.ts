// How big a program RE2 would compile a pattern to, worked out from its text without compiling it.
// RE2 checks that nested counted repetitions multiply to at most 1000, but a run of them side by side
// (`(?:x{1000})` 1300 times: 14 KB) is 1.3 million instructions: 20 s and 870 MB to compile. The count
// here follows RE2's own (Go's `calcSize`): a literal or a class one instruction, a capture two,
// `x{n,m}` m copies of x and m - n choices; it never counts less than re2js compiles (tested), so a
// pattern is refused on it before RE2 sees it. Reads RE2's syntax: what RE2JS.translateRegExp makes.

/** One open group: what its alternatives so far add up to, and the one being read. */
interface Group {
  capture: boolean;
  /** The finished alternatives' sizes, added up, and how many there are. */
  done: number;
  alternatives: number;
  /** The alternative being read, and the last atom in it (what a repetition repeats). */
  current: number;
  last: number;
}

const openGroup = (capture: boolean): Group => ({
  capture,
  done: 0,
  alternatives: 0,
  current: 0,
  last: 0,
});

/** A group's size once it closes: its alternatives, a choice between each two, a capture's two marks. */
const closed = (group: Group): number =>
  group.done + Math.max(1, group.current) + group.alternatives + (group.capture ? 2 : 0);

/** What `x{min,max}` (max -1: no upper bound) costs, `x` costing `sub`: RE2 writes out the copies. */
function repeated(sub: number, min: number, max: number): number {
  if (max === -1) return min === 0 ? 2 + sub : 1 + min * sub;
  return Math.max(1, max * sub + (max - min));
}

const REPEAT = /^\{(\d+)(?:(,)(\d*))?\}/;

/** Where the class that opens at `start` (`[`) ends, just past its `]`. */
function classEnd(source: string, start: number): number {
  let at = start + 1;
  if (source[at] === '^') at++;
  if (source[at] === ']') at++; // first in a class, `]` is itself
  while (at < source.length && source[at] !== ']') {
    if (source[at] === '\\') at += 2;
    else if (source.startsWith('[:', at)) at = source.indexOf(':]', at + 2) + 2 || source.length;
    else at++;
  }
  return at + 1;
}

/** Where the escape that opens at `start` (`\`) ends: `\p{Greek}`, `\x{1F600}`, `\xFF`, `\d`. */
function escapeEnd(source: string, start: number): number {
  const letter = source[start + 1];
  if ((letter === 'p' || letter === 'P' || letter === 'x') && source[start + 2] === '{') {
    const close = source.indexOf('}', start + 3);
    return close === -1 ? source.length : close + 1;
  }
  if (letter === 'x') return start + 4;
  return start + 2;
}

/** Where the group that opens at `start` (`(`) starts its contents, and whether it captures; `flags`: `(?i)`. */
function groupOpening(source: string, start: number): { next: number; capture: boolean; flags?: true } {
  if (source[start + 1] !== '?') return { next: start + 1, capture: true };
  if (source.startsWith('(?P<', start) || (source.startsWith('(?<', start) && source[start + 3] !== '=')) {
    const close = source.indexOf('>', start);
    return { next: close === -1 ? source.length : close + 1, capture: true };
  }
  let at = start + 2;
  while (at < source.length && /[a-zA-Z-]/.test(source[at] as string)) at++;
  return source[at] === ')'
    ? { next: at + 1, capture: false, flags: true }
    : { next: at + 1, capture: false };
}

/**
 * The number of instructions RE2 compiles `source` (RE2 syntax) to, or more, never less. Stops counting
 * once past `stopAbove`: the caller only asks whether it is too big.
 */
export function patternSize(source: string, stopAbove = Number.POSITIVE_INFINITY): number {
  const groups: Group[] = [openGroup(false)];
  let group = groups[0] as Group;
  const atom = (size: number) => {
    group.current += size;
    group.last = size;
  };
  const repeat = (min: number, max: number) => {
    const size = repeated(group.last, min, max);
    group.current += size - group.last;
    group.last = size;
  };
  let at = 0;
  while (at < source.length) {
    if (group.current > stopAbove) return group.current;
    const char = source[at] as string;
    if (source.startsWith('\\Q', at)) {
      const end = source.indexOf('\\E', at + 2);
      const text = source.slice(at + 2, end === -1 ? source.length : end);
      for (const _ of text) atom(1);
      at = end === -1 ? source.length : end + 2;
    } else if (char === '\\') {
      atom(1);
      at = escapeEnd(source, at);
    } else if (char === '[') {
      atom(1);
      at = classEnd(source, at);
    } else if (char === '(') {
      const opening = groupOpening(source, at);
      at = opening.next;
      if (!opening.flags) {
        group = openGroup(opening.capture);
        groups.push(group);
      }
    } else if (char === ')' && groups.length > 1) {
      const size = closed(groups.pop() as Group);
      group = groups.at(-1) as Group;
      atom(size);
      at++;
    } else if (char === '|') {
      group.done += Math.max(1, group.current);
      group.alternatives++;
      group.current = 0;
      group.last = 0;
      at++;
    } else if (char === '*' || char === '+' || char === '?') {
      repeat(char === '+' ? 1 : 0, char === '?' ? 1 : -1);
      at += source[at + 1] === '?' ? 2 : 1; // `*?`: lazy, the same program
    } else {
      const counted = char === '{' ? REPEAT.exec(source.slice(at, at + 32)) : null;
      if (counted) {
        const min = Number(counted[1]);
        const max = counted[2] === undefined ? min : counted[3] === '' ? -1 : Number(counted[3]);
        repeat(min, max);
        at += counted[0].length + (source[at + counted[0].length] === '?' ? 1 : 0);
      } else {
        // One character, a pair of UTF-16 units counted as the one rune RE2 reads.
        atom(1);
        at += (source.codePointAt(at) as number) > 0xffff ? 2 : 1;
      }
    }
  }
  while (groups.length > 1) {
    const size = closed(groups.pop() as Group);
    group = groups.at(-1) as Group;
    atom(size);
  }
  // RE2's program starts with a fail and ends with a match.
  return closed(group) + 2;
}
