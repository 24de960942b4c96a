import { valueAt } from '../pointer.ts';
import type { OpenApiDocument } from '../spec/document.ts';
import { sampleOfComponent } from '../spec/sample.ts';
import type { ProjectApiKey } from '../types.ts';
import type { FaultName } from './faults.ts';
import { randomProjectKey } from './redaction.ts';

// The body faults: each turns a conformant ProjectApiKey into the broken one its fault describes.

type JsonObject = Record<string, unknown>;

/** The `huge-id` fault's id: 5 MB, half the transport's size cap. */
export const HUGE_ID_CHARACTERS = 5 * 1024 * 1024;

const OWNER_TYPE_ENUM = '/components/schemas/ProjectApiKey/properties/owner/properties/type/enum';

/** A plausible owner type the document's enum does not list. */
const ownerTypeOutsideEnum = (document: OpenApiDocument): string => {
  const members = (valueAt(document, OWNER_TYPE_ENUM) as unknown[] | undefined) ?? [];
  let candidate = 'organization_admin';
  while (members.includes(candidate)) candidate += '_';
  return candidate;
};

/** The real service's owner sub-objects today (see the notes): no `object`, no `added_at`. */
const liveOwner = (owner: JsonObject): JsonObject => {
  const user = owner.user as JsonObject | undefined;
  const serviceAccount = owner.service_account as JsonObject | undefined;
  const live: JsonObject = { type: owner.type };
  if (user) {
    live.user = {
      id: user.id,
      email: user.email,
      name: user.name,
      created_at: user.added_at,
      role: user.role,
    };
  }
  if (serviceAccount) {
    live.service_account = {
      id: serviceAccount.id,
      name: serviceAccount.name,
      created_at: serviceAccount.created_at,
      role: serviceAccount.role,
    };
  }
  return live;
};

export interface BodyFaultContext {
  document: OpenApiDocument;
  /** Another key id of the same project, when there is one. */
  otherKeyId?: string;
}

/** The body `fault` serves in place of `body`; `body` itself is returned for faults that are not about it. */
export const bodyUnderFault = (
  fault: FaultName | undefined,
  body: ProjectApiKey,
  context: BodyFaultContext,
) => {
  const broken = structuredClone(body) as unknown as JsonObject;
  const owner = broken.owner as JsonObject;
  switch (fault) {
    case 'wrong-enum':
      owner.type = ownerTypeOutsideEnum(context.document);
      return broken;
    case 'missing-required':
      delete broken.redacted_value;
      return broken;
    case 'wrong-type':
      broken.created_at = new Date(body.created_at * 1000).toISOString();
      return broken;
    case 'unredacted-key':
      broken.redacted_value = randomProjectKey();
      return broken;
    case 'masked-whole-key':
      broken.redacted_value = `${randomProjectKey()}*`;
      return broken;
    case 'huge-id':
      broken.id = `key_${'x'.repeat(HUGE_ID_CHARACTERS - 4)}`;
      return broken;
    case 'live-shape':
      return {
        ...broken,
        owner: liveOwner(owner),
        last_used_at: body.created_at + 86_400,
        owner_project_access: 'active',
      };
    case 'owner-mismatch': {
      const serviceAccount =
        owner.service_account ?? sampleOfComponent('ProjectServiceAccount', context.document);
      broken.owner = { type: 'user', service_account: serviceAccount };
      return broken;
    }
    case 'wrong-id':
      broken.id = context.otherKeyId ?? `${body.id}x`;
      return broken;
    default:
      return body;
  }
};
