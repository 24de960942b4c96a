import type { ProjectApiKey, ProjectApiKeyOwner, ProjectServiceAccount, ProjectUser } from '../core/types.ts';
import type { OpenApiDocument } from '../openapi/document.ts';
import { sampleOfComponent } from '../openapi/sample.ts';

// Response bodies built from the document (every declared property, constants from its enums), then given
// real values. Only properties the document declares are filled, so a body stays strict-valid as it changes.

export type OwnerType = NonNullable<ProjectApiKeyOwner['type']>;

/** Who owns a key: a project user or a service account, with the facts the service reports about them. */
export interface OwnerFacts {
  type: OwnerType;
  id: string;
  name: string;
  /** Users only. */
  email?: string;
  role: ProjectUser['role'] & ProjectServiceAccount['role'];
  /** When the user was added to the project, or the service account created (Unix seconds). */
  since: number;
}

export interface KeyFacts {
  id: string;
  name: string;
  createdAt: number;
  redactedValue: string;
  /** Unix seconds, or null for a key never used: later versions of the document carry it. */
  lastUsedAt: number | null;
  /** Whether the owner still has access to the project: later versions of the document carry it. */
  ownerProjectAccess: 'active' | 'inactive';
  owner: OwnerFacts;
}

type JsonObject = Record<string, unknown>;

/** Sets each value whose property the (document-built) target declares; ignores the rest. */
const assignDeclared = (target: JsonObject, values: JsonObject): void => {
  for (const [property, value] of Object.entries(values)) {
    if (property in target && value !== undefined) target[property] = value;
  }
};

const ownerFields = (owner: OwnerFacts): JsonObject =>
  owner.type === 'user'
    ? // `created_at` is what later versions of the document call it; only the declared one is filled.
      {
        id: owner.id,
        name: owner.name,
        email: owner.email,
        role: owner.role,
        added_at: owner.since,
        created_at: owner.since,
      }
    : { id: owner.id, name: owner.name, role: owner.role, created_at: owner.since };

// The sample as JSON, per document: a list page builds a hundred bodies, and walking the schema for each cost more.
const samples = new WeakMap<OpenApiDocument, string>();
const freshSample = (document: OpenApiDocument): JsonObject => {
  let text = samples.get(document);
  if (text === undefined) {
    text = JSON.stringify(sampleOfComponent('ProjectApiKey', document));
    samples.set(document, text);
  }
  return JSON.parse(text) as JsonObject;
};

/** A `ProjectApiKey` for `facts`, shaped by the document's `ProjectApiKey` component. */
export const projectApiKeyBody = (document: OpenApiDocument, facts: KeyFacts): ProjectApiKey => {
  const body = freshSample(document);
  assignDeclared(body, {
    id: facts.id,
    name: facts.name,
    created_at: facts.createdAt,
    redacted_value: facts.redactedValue,
    last_used_at: facts.lastUsedAt,
    owner_project_access: facts.ownerProjectAccess,
  });
  const owner = body.owner as JsonObject;
  assignDeclared(owner, { type: facts.owner.type });
  // The sample carries a sub-object per owner type; the owner is exactly one of them.
  for (const property of Object.keys(owner)) {
    if (property !== 'type' && property !== facts.owner.type) delete owner[property];
  }
  const party = owner[facts.owner.type] as JsonObject | undefined;
  if (party) assignDeclared(party, ownerFields(facts.owner));
  return body as unknown as ProjectApiKey;
};
