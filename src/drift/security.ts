import { isDeepStrictEqual } from 'node:util';
import { isJsonObject } from '../core/json.ts';
import { appendPointer } from '../core/pointer.ts';
import type { OpenApiDocument, OperationObject } from '../openapi/document.ts';
import { type Change, change } from './change.ts';

// Who may call the operation: its security requirements, the operation's own or else the document's.
// A requirement list is a choice of alternatives; each alternative names schemes that all apply, with the
// scopes each needs. No requirement at all (or `{}` among them) lets a call without credentials through.
// A scheme is known by its name: the name says which credential (a project key, an admin key), even where
// two schemes travel the same way; its definition says how the credential travels.

/** One document's side: the operation, its document, and how to follow a `$ref` there. */
export interface SecuritySide {
  operation: OperationObject;
  document: OpenApiDocument;
  resolve: (value: unknown) => unknown;
}

type Requirement = Record<string, string[]>;

interface InForce {
  requirements: Requirement[];
  /** The document's top-level list, for want of the operation's own. */
  inherited: boolean;
}

const listOf = (value: unknown): Requirement[] | undefined =>
  Array.isArray(value) ? value.filter(isJsonObject).map(scopesOf) : undefined;

function scopesOf(requirement: Record<string, unknown>): Requirement {
  const scopes = (value: unknown) => (Array.isArray(value) ? value.map(String) : []);
  return Object.fromEntries(Object.entries(requirement).map(([name, value]) => [name, scopes(value)]));
}

function inForce(side: SecuritySide): InForce {
  const own = listOf((side.operation as { security?: unknown }).security);
  if (own) return { requirements: own, inherited: false };
  return { requirements: listOf((side.document as { security?: unknown }).security) ?? [], inherited: true };
}

/** An alternative's identity: its schemes, in any order; `` for none (no credentials). */
const keyOf = (requirement: Requirement): string => Object.keys(requirement).sort().join(' + ');

/** The alternatives as a list that always holds one: an empty list is the call without credentials. */
function alternatives(force: InForce): { requirement: Requirement; pointer: string }[] {
  if (force.requirements.length === 0) return [{ requirement: {}, pointer: '/security' }];
  return force.requirements.map((requirement, index) => ({ requirement, pointer: `/security/${index}` }));
}

const named = (requirement: Requirement, force: InForce): string =>
  `${keyOf(requirement) === '' ? 'calls without credentials' : `security ${keyOf(requirement)}`}${
    force.inherited && force.requirements.length > 0 ? " (the document's)" : ''
  }`;

/** How a scheme's credential travels: what the wire sees, not the words around it. */
function wireOf(side: SecuritySide, name: string): Record<string, unknown> | undefined {
  const schemes = side.resolve(side.document.components?.securitySchemes);
  const scheme = isJsonObject(schemes) ? side.resolve(schemes[name]) : undefined;
  if (!isJsonObject(scheme)) return undefined;
  const lower = (value: unknown) => (typeof value === 'string' ? value.toLowerCase() : value);
  return Object.fromEntries(
    Object.entries({
      type: scheme.type,
      scheme: lower(scheme.scheme),
      in: scheme.in,
      name: scheme.in === 'header' ? lower(scheme.name) : scheme.name,
      flows: scheme.flows,
      openIdConnectUrl: scheme.openIdConnectUrl,
    }).filter(([, value]) => value !== undefined),
  );
}

const wireText = (wire: Record<string, unknown>) =>
  [wire.type, wire.scheme, wire.in && `in ${wire.in}`, wire.name].filter(Boolean).join(' ');

/** The scopes and the scheme definitions of an alternative in both versions. */
function withinChanges(
  old: Requirement,
  now: Requirement,
  pointer: string,
  sides: [SecuritySide, SecuritySide],
) {
  const changes: Change[] = [];
  for (const name of Object.keys(now)) {
    const at = { side: 'request' as const, pointer: appendPointer(pointer, name), keyword: 'security' };
    const [was, is] = [old[name] ?? [], now[name] ?? []];
    const added = is.filter((scope) => !was.includes(scope));
    const removed = was.filter((scope) => !is.includes(scope));
    if (added.length > 0)
      changes.push(
        change(
          'security-scopes-added',
          at,
          was,
          is,
          `security ${name}: scope ${added.join(', ')} now needed`,
        ),
      );
    if (removed.length > 0)
      changes.push(
        change(
          'security-scopes-removed',
          at,
          was,
          is,
          `security ${name}: scope ${removed.join(', ')} no longer needed`,
        ),
      );
    const [before, after] = [wireOf(sides[0], name), wireOf(sides[1], name)];
    if (before && after && !isDeepStrictEqual(before, after)) {
      const fact = `security scheme ${name}: ${wireText(before)} → ${wireText(after)}`;
      changes.push(
        change('security-scheme-changed', { ...at, keyword: 'securitySchemes' }, before, after, fact),
      );
    }
  }
  return changes;
}

/** The security requirements in force for the operation in each version: alternatives removed and added. */
export function compareSecurity(from: SecuritySide, to: SecuritySide): Change[] {
  const [before, after] = [inForce(from), inForce(to)];
  const [old, now] = [alternatives(before), alternatives(after)];
  const changes: Change[] = [];
  for (const { requirement, pointer } of old.filter(
    (o) => !now.some((n) => keyOf(n.requirement) === keyOf(o.requirement)),
  )) {
    const at = { side: 'request' as const, pointer, keyword: 'security' };
    changes.push(
      change('security-removed', at, requirement, null, `${named(requirement, before)} no longer accepted`),
    );
  }
  for (const { requirement, pointer } of now) {
    const match = old.find((o) => keyOf(o.requirement) === keyOf(requirement));
    if (match) {
      changes.push(...withinChanges(match.requirement, requirement, pointer, [from, to]));
      continue;
    }
    const at = { side: 'request' as const, pointer, keyword: 'security' };
    changes.push(
      change('security-added', at, null, requirement, `${named(requirement, after)} now accepted`),
    );
  }
  return changes;
}
