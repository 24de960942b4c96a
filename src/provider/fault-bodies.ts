import { valueAt } from '../core/pointer.ts';
import type { ProjectApiKey } from '../core/types.ts';
import type { OpenApiDocument } from '../openapi/document.ts';
import { sampleOfComponent } from '../openapi/sample.ts';
import type { FaultName } from './faults.ts';
import { randomProjectKey } from './redaction.ts';

// The body faults: each turns a conformant ProjectApiKey into the broken one its fault describes.

type JsonObject = Record<string, unknown>;

/** The `huge-id` fault's id: 5 MB, half the transport's size cap. */
export const HUGE_ID_CHARACTERS = 5 * 1024 * 1024;

/** The `prose-redacted-value` fault's redacted_value: words, where a masked key belongs. */
export const PROSE_REDACTED_VALUE = 'redacted for privacy';

const OWNER_TYPE_ENUM = '/components/schemas/ProjectApiKey/properties/owner/properties/type/enum';

/** A plausible owner type the document's enum does not list. */
const ownerTypeOutsideEnum = (document: OpenApiDocument): string => {
  const members = (valueAt(document, OWNER_TYPE_ENUM) as unknown[] | undefined) ?? [];
  let candidate = 'organization_admin';
  while (members.includes(candidate)) candidate += '_';
  return candidate;
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
    case 'prose-redacted-value':
      broken.redacted_value = PROSE_REDACTED_VALUE;
      return broken;
    case 'huge-id':
      broken.id = `key_${'x'.repeat(HUGE_ID_CHARACTERS - 4)}`;
      return broken;
    case 'owner-mismatch': {
      // The document's own service-account owner, whatever its component is called in this version.
      const serviceAccount =
        owner.service_account ??
        (sampleOfComponent('ProjectApiKey', context.document) as { owner: JsonObject }).owner.service_account;
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
