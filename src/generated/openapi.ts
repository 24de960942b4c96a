// Generated from schemas/openapi.yaml by `npm run types`; do not edit. A test fails when it is stale.

export interface paths {
    "/organization/projects/{project_id}/api_keys/{key_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Retrieve project API key
         * @description Retrieves an API key in the project.
         */
        get: operations["retrieve-project-api-key"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: {
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
            /** @description The Unix timestamp (in seconds) of when the API key was created */
            created_at: number;
            /** @description The identifier, which can be referenced in API endpoints */
            id: string;
            owner: {
                /**
                 * @description `user` or `service_account`
                 * @enum {string}
                 */
                type?: "user" | "service_account";
                user?: components["schemas"]["ProjectUser"];
                service_account?: components["schemas"]["ProjectServiceAccount"];
            };
        };
        /** @description Represents an individual user in a project. */
        ProjectUser: {
            /**
             * @description The object type, which is always `organization.project.user`
             * @enum {string}
             */
            object: "organization.project.user";
            /** @description The identifier, which can be referenced in API endpoints */
            id: string;
            /** @description The name of the user */
            name: string;
            /** @description The email address of the user */
            email: string;
            /**
             * @description `owner` or `member`
             * @enum {string}
             */
            role: "owner" | "member";
            /** @description The Unix timestamp (in seconds) of when the project was added. */
            added_at: number;
        };
        /** @description Represents an individual service account in a project. */
        ProjectServiceAccount: {
            /**
             * @description The object type, which is always `organization.project.service_account`
             * @enum {string}
             */
            object: "organization.project.service_account";
            /** @description The identifier, which can be referenced in API endpoints */
            id: string;
            /** @description The name of the service account */
            name: string;
            /**
             * @description `owner` or `member`
             * @enum {string}
             */
            role: "owner" | "member";
            /** @description The Unix timestamp (in seconds) of when the service account was created */
            created_at: number;
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
    "retrieve-project-api-key": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The ID of the project. */
                project_id: string;
                /** @description The ID of the API key. */
                key_id: string;
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
}
