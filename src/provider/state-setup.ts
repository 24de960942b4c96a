import type { StateSetup } from '../pact/provider-states.ts';
import type { ProjectApiKeyStore } from './store.ts';

/** The reference provider's handlers for the shared provider states: each makes its sentence true. */
export const stateSetupFor =
  (store: ProjectApiKeyStore): StateSetup =>
  (key, params) => {
    const { projectId, keyId } = params;
    switch (key) {
      case 'userKey':
        store.seedKey({ projectId, keyId, ownerType: 'user' });
        return params;
      case 'serviceAccountKey':
        store.seedKey({ projectId, keyId, ownerType: 'service_account' });
        return params;
      case 'unknownKey':
        store.seedProject(projectId);
        store.removeKey(projectId, keyId);
        return params;
      case 'projectKeys':
        // A project with keys: at least the one named.
        if (!store.findKey(projectId, keyId)) store.seedKey({ projectId, keyId, ownerType: 'user' });
        return params;
      case 'invalidAdminKey':
        // The key exists, so a provider that skips auth answers 200 here rather than a telling 404.
        if (!store.findKey(projectId, keyId)) store.seedKey({ projectId, keyId, ownerType: 'user' });
        return params;
      default:
        return undefined;
    }
  };
