// The spec's objects as TypeScript, derived from the document (src/generated/openapi.ts), never retyped.
import type { components } from '../generated/openapi.ts';

export type ProjectApiKey = components['schemas']['ProjectApiKey'];
export type ProjectUser = components['schemas']['ProjectUser'];
export type ProjectServiceAccount = components['schemas']['ProjectServiceAccount'];
export type ProjectApiKeyOwner = ProjectApiKey['owner'];
