import { z } from 'zod';

/** What the OpenAPI document says about a named schema. */
export interface SchemaMeta {
  [key: string]: unknown;
  id: string;
  description?: string;
  examples?: unknown[];
}

/**
 * Every schema the API validates with or answers with, by name. The OpenAPI document is
 * generated from this registry (openapi.ts), so the document and the validation cannot drift.
 */
export const apiSchemas = z.registry<SchemaMeta>();

/** Request examples by schema id: z.toJSONSchema drops examples of transforming schemas in input mode. */
export const schemaExamples = new Map<string, unknown[]>();

/**
 * Registers `schema` under `meta.id` and returns it. The metadata also goes on the schema
 * itself (zod's global registry), which is where z.toJSONSchema reads descriptions,
 * examples and the ids it turns into $refs.
 */
export function named<S extends z.ZodType>(schema: S, meta: SchemaMeta): S {
  const described = schema.meta(meta);
  apiSchemas.add(described, meta);
  if (meta.examples) schemaExamples.set(meta.id, meta.examples);
  return described;
}
