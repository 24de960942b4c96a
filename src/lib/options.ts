// The options every entry point of the library takes: a module of types alone, so the package's
// declarations of its entry points reach nothing but these, the findings and the generated types.

export interface SpecOptions {
  /** An OpenAPI 3.0 or 3.1 document (YAML or JSON), by path; default: the one the package ships. */
  spec?: string;
}
