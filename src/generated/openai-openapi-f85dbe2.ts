// Generated from schemas/openai-openapi-f85dbe2.yaml by `npm run types`; do not edit. A test fails when it is stale.

export interface paths {
    "/organization/projects/{project_id}/api_keys": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Returns a list of API keys in the project. */
        get: operations["list-project-api-keys"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/organization/projects/{project_id}/api_keys/{api_key_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Retrieves an API key in the project. */
        get: operations["retrieve-project-api-key"];
        put?: never;
        post?: never;
        /**
         * Deletes an API key from the project.
         *
         *     Returns confirmation of the key deletion, or an error if the key belonged to
         *     a service account.
         */
        delete: operations["delete-project-api-key"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: {
        Error: {
            code: string | null;
            message: string;
            param: string | null;
            type: string;
        };
        ErrorResponse: {
            error: components["schemas"]["Error"];
        };
        /** @description Represents an individual API key in a project. */
        ProjectApiKey: {
            /**
             * @description The object type, which is always `organization.project.api_key`
             * @enum {string}
             */
            object: "organization.project.api_key";
            /** @description The redacted value of the API key */
            redacted_value: string;
            /** @description The name of the API key */
            name: string;
            /**
             * Format: unixtime
             * @description The Unix timestamp (in seconds) of when the API key was created
             */
            created_at: number;
            /** @description The Unix timestamp (in seconds) of when the API key was last used. */
            last_used_at: number | null;
            /** @description The identifier, which can be referenced in API endpoints */
            id: string;
            /**
             * @description Whether the API key's owner currently has effective access to the project.
             * @enum {string}
             */
            owner_project_access: "active" | "inactive";
            owner: {
                /**
                 * @description `user` or `service_account`
                 * @enum {string}
                 */
                type?: "user" | "service_account";
                user?: components["schemas"]["ProjectApiKeyOwnerUser"];
                service_account?: components["schemas"]["ProjectApiKeyOwnerServiceAccount"];
            };
        };
        ProjectApiKeyDeleteResponse: {
            /** @enum {string} */
            object: "organization.project.api_key.deleted";
            id: string;
            deleted: boolean;
        };
        ProjectApiKeyListResponse: {
            /** @enum {string} */
            object: "list";
            data: components["schemas"]["ProjectApiKey"][];
            first_id?: string | null;
            last_id?: string | null;
            has_more: boolean;
        };
        /** @description The service account that owns a project API key. */
        ProjectApiKeyOwnerServiceAccount: {
            /** @description The identifier, which can be referenced in API endpoints */
            id: string;
            /** @description The name of the service account. */
            name: string;
            /**
             * Format: unixtime
             * @description The Unix timestamp (in seconds) of when the service account was created.
             */
            created_at: number;
            /** @description The service account's project role. */
            role: string;
        };
        /** @description The user that owns a project API key. */
        ProjectApiKeyOwnerUser: {
            /** @description The identifier, which can be referenced in API endpoints */
            id: string;
            /** @description The email address of the user. */
            email: string;
            /** @description The name of the user. */
            name: string;
            /**
             * Format: unixtime
             * @description The Unix timestamp (in seconds) of when the user was created.
             */
            created_at: number;
            /** @description The user's project role. */
            role: string;
        };
    };
    responses: never;
    parameters: never;
    requestBodies: never;
    headers: never;
    pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
    "list-project-api-keys": {
        parameters: {
            query?: {
                /** @description A limit on the number of objects to be returned. Limit can range between 1 and 100, and the default is 20. */
                limit?: number;
                /** @description A cursor for use in pagination. `after` is an object ID that defines your place in the list. For instance, if you make a list request and receive 100 objects, ending with obj_foo, your subsequent call can include after=obj_foo in order to fetch the next page of the list. */
                after?: string;
                /** @description Filter API keys by whether the owner currently has effective access to the project. Use `active` for owners with access, `inactive` for owners without access, or `any` for all enabled project API keys. If omitted, the endpoint applies its existing membership-based visibility rules, which may exclude some enabled keys. */
                owner_project_access?: "active" | "inactive" | "any";
            };
            header?: never;
            path: {
                /** @description The ID of the project. */
                project_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Project API keys listed successfully. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProjectApiKeyListResponse"];
                };
            };
        };
    };
    "retrieve-project-api-key": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The ID of the project. */
                project_id: string;
                /** @description The ID of the API key. */
                api_key_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Project API key retrieved successfully. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProjectApiKey"];
                };
            };
        };
    };
    "delete-project-api-key": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The ID of the project. */
                project_id: string;
                /** @description The ID of the API key. */
                api_key_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Project API key deleted successfully. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProjectApiKeyDeleteResponse"];
                };
            };
            /** @description Error response for various conditions. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
}
