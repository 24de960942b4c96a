// The package ships no types; this is the part of its programmatic API the cross-check uses.
declare module '@pactflow/swagger-mock-validator' {
  export interface ValidationResult {
    code: string;
    message: string;
    type: 'error' | 'warning';
    source: string;
    mockDetails?: { interactionDescription?: string; location: string; value: unknown };
    specDetails?: { location: string; pathMethod?: string; pathName?: string };
  }
  export interface ValidationOutcome {
    success: boolean;
    failureReason?: string;
    errors: ValidationResult[];
    warnings: ValidationResult[];
  }
  export const SwaggerMockValidatorFactory: {
    create(auth?: string): {
      validate(options: {
        mockPathOrUrl: string;
        specPathOrUrl: string;
        providerName?: string;
        analyticsUrl?: string;
      }): Promise<ValidationOutcome>;
    };
  };
}
