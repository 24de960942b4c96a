import { isJsonObject } from '../core/json.ts';

// A pact's matching rules in one form, whichever tool and version wrote them. V2 keys every rule by a
// path from the side's root (`$.body.owner.type`, `$.headers.Content-Type`, `$.header.$['Content-Type'][0]`
// from the Rust core), each rule one matcher (`{ "match": "type" }`, `{ "min": 1 }`). V3 and V4 group rules
// by category (`body`, `header`, `query`, `path`, `status`) with paths inside the category (`$.owner.type`,
// `$[*].id`; header names bare or as `$.Authorization[0]`) and a list of matchers combined AND or OR.

/** The part of a request or response a rule applies to. */
export type RulePart = 'body' | 'header' | 'query' | 'path' | 'status' | 'metadata';

/** A step of a rule's path: a property, an array index, or `*` (any property or any item). */
export type RuleToken = { name: string } | { index: number } | { any: true };

export interface MatchingRule {
  part: RulePart;
  /** The path as the pact writes it. */
  expression: string;
  /** The path inside the part (for a header: its name); undefined when it cannot be read. */
  tokens: RuleToken[] | undefined;
  matchers: Record<string, unknown>[];
  combine: 'AND' | 'OR';
  /** Where the rule is in the pact, as pointer tokens. */
  at: (string | number)[];
  /** Where each matcher is: `at` plus `matchers/i` (V3/V4), or `at` itself (V2's one matcher a rule). */
  matcherAt: (string | number)[][];
}

/** No path a consumer writes is longer; a longer one is not read (a hostile pact's, not a real one). */
const MAX_TOKENS = 64;

const STEP = /\.([^.[\]]+)|\[(\d+)\]|\[\*\]|\['((?:[^'\\]|\\.)*)'\]|\["((?:[^"\\]|\\.)*)"\]/y;

/** `$.data[*].owner['type']` → its tokens; `$` alone → none; undefined when it is not such a path. */
export function ruleTokens(expression: string): RuleToken[] | undefined {
  if (!expression.startsWith('$')) return undefined;
  const tokens: RuleToken[] = [];
  STEP.lastIndex = 1;
  while (STEP.lastIndex < expression.length) {
    const match = STEP.exec(expression);
    if (match === null || tokens.length >= MAX_TOKENS) return undefined;
    const [whole, dotted, index, single, double] = match;
    if (index !== undefined) tokens.push({ index: Number(index) });
    else if (whole === '[*]' || dotted === '*') tokens.push({ any: true });
    else tokens.push({ name: (dotted ?? single ?? double ?? '').replace(/\\(.)/g, '$1') });
  }
  return tokens;
}

/** A header or query name as pacts write it: `Accept`, `$.Accept`, `$['Content-Type'][0]`. */
function nameTokens(expression: string): RuleToken[] | undefined {
  if (!expression.startsWith('$')) return [{ name: expression }];
  const tokens = ruleTokens(expression);
  const first = tokens?.[0];
  return first && 'name' in first ? [first] : undefined;
}

function matcherList(rule: Record<string, unknown>): Record<string, unknown>[] {
  return Array.isArray(rule.matchers) ? rule.matchers.filter(isJsonObject) : [];
}

const PARTS: readonly RulePart[] = ['body', 'header', 'query', 'path', 'status', 'metadata'];

/** V3/V4: `{ body: { "$.x": { matchers, combine } }, path: { matchers, combine }, ... }`. */
function categorised(rules: Record<string, unknown>, at: (string | number)[]): MatchingRule[] {
  const found: MatchingRule[] = [];
  for (const [category, group] of Object.entries(rules)) {
    const part = category === 'headers' ? 'header' : (category as RulePart);
    if (!PARTS.includes(part) || !isJsonObject(group)) continue;
    // `path` (and some writers' `status`) hold one rule, not rules by path.
    const byPath = Array.isArray(group.matchers) ? { $: group } : group;
    for (const [expression, rule] of Object.entries(byPath)) {
      if (!isJsonObject(rule)) continue;
      const ruleAt = byPath === group ? [...at, category, expression] : [...at, category];
      const matchers = matcherList(rule);
      found.push({
        part,
        expression,
        tokens: part === 'header' || part === 'query' ? nameTokens(expression) : ruleTokens(expression),
        matchers,
        combine: rule.combine === 'OR' ? 'OR' : 'AND',
        at: ruleAt,
        matcherAt: matchers.map((_, i) => [...ruleAt, 'matchers', i]),
      });
    }
  }
  return found;
}

/** V2's prefixes, the part each names, and how the rest is read. */
const V2_PARTS: [prefix: string, part: RulePart][] = [
  ['$.body', 'body'],
  ['$.headers.', 'header'],
  ['$.header.', 'header'],
  ['$.query.', 'query'],
  ['$.path', 'path'],
  ['$.status', 'status'],
];

/** V2: `{ "$.body.x": { "match": "type" }, "$.headers.Accept": { ... } }`, one matcher each. */
function keyedByPath(rules: Record<string, unknown>, at: (string | number)[]): MatchingRule[] {
  const found: MatchingRule[] = [];
  for (const [expression, rule] of Object.entries(rules)) {
    if (!isJsonObject(rule)) continue;
    const ruleAt = [...at, expression];
    const entry = V2_PARTS.find(([prefix]) => expression.startsWith(prefix));
    const matchers = Array.isArray(rule.matchers) ? matcherList(rule) : [rule];
    const common = {
      expression,
      matchers,
      combine: rule.combine === 'OR' ? ('OR' as const) : ('AND' as const),
      at: ruleAt,
      matcherAt: Array.isArray(rule.matchers) ? matchers.map((_, i) => [...ruleAt, 'matchers', i]) : [ruleAt],
    };
    if (!entry) {
      found.push({ part: 'body', tokens: undefined, ...common });
      continue;
    }
    const [prefix, part] = entry;
    const rest = expression.slice(prefix.length);
    const tokens =
      part === 'header' || part === 'query'
        ? nameTokens(rest.replace(/\[\d+\]$/, ''))
        : part === 'body'
          ? ruleTokens(`$${rest}`)
          : rest === ''
            ? []
            : undefined;
    found.push({ part, tokens, ...common });
  }
  return found;
}

/** The matching rules of a request or response (`side`, at `at` in the pact), in one form. */
export function matchingRulesOf(side: Record<string, unknown>, at: (string | number)[]): MatchingRule[] {
  const rules = side.matchingRules;
  if (!isJsonObject(rules)) return [];
  const rulesAt = [...at, 'matchingRules'];
  const keys = Object.keys(rules);
  return keys.length > 0 && keys.every((key) => key.startsWith('$'))
    ? keyedByPath(rules, rulesAt)
    : categorised(rules, rulesAt);
}
