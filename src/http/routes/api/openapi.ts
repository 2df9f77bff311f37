import type { Router } from '@koa/router';
import { z } from 'zod';
import { apiSchemas, schemaExamples } from './schemas/registry.ts';
import * as req from './schemas/requests.ts';
import * as res from './schemas/responses.ts';

type Json = Record<string, unknown>;

const ERROR_CODES = [
  '400 validation_failed (details lists each field), json_invalid, invalid_cursor',
  '401 unauthorized', '404 contact_not_found, not_found', '405 method_not_allowed',
  '409 order_conflict (details.order: the order as recorded), interaction_conflict: the id is recorded with other fields, nothing changed',
  '413 body_too_large', '415 unsupported_media_type',
  '503 api_disabled (FENJI_API_TOKENS unset), store_unavailable, contact_write_conflict', '500 internal_error',
];

function ref(schema: z.ZodType): Json {
  const id = apiSchemas.get(schema)?.id;
  if (!id) throw new Error('schema is not registered in apiSchemas');
  return { $ref: `#/components/schemas/${id}` };
}

/** Component schemas from the registry, as OpenAPI 3.1 (JSON Schema 2020-12) wants them. */
function componentSchemas(): Record<string, Json> {
  const { schemas } = z.toJSONSchema(apiSchemas, { io: 'input', uri: (id) => `#/components/schemas/${id}` });
  return Object.fromEntries(Object.entries(schemas).map(([id, s]) => {
    const examples = schemaExamples.get(id);
    return [id, { ...strip(s as Json), ...(examples ? { examples } : {}) }];
  }));
}

function strip(schema: Json): Json {
  const { $schema: _schema, $id: _id, ...rest } = schema;
  return rest;
}

/** Query or path parameters from a zod object's fields. */
function parameters(where: 'query' | 'path', schema: z.ZodObject): Json[] {
  return Object.entries(schema.shape).map(([name, field]) => {
    // Named schemas (e.g. Tier) come back as $defs: point them at the components instead.
    const { $defs: _defs, ...s } = strip(z.toJSONSchema(field as z.ZodType, { io: 'input' }) as Json);
    const { description, ...rest } = JSON.parse(JSON.stringify(s).replaceAll('"#/$defs/', '"#/components/schemas/')) as Json;
    return { name, in: where, required: where === 'path' || !(field as z.ZodType).safeParse(undefined).success, schema: rest, ...(description ? { description } : {}) };
  });
}

const body = (schema: z.ZodType): Json => ({ required: true, content: { 'application/json': { schema: ref(schema) } } });
const ok = (description: string, schema: z.ZodType): Json => ({ description, content: { 'application/json': { schema: ref(schema) } } });
const errors = (...statuses: number[]): Json =>
  Object.fromEntries(statuses.map((s) => [String(s), { $ref: '#/components/responses/Error' }]));

function operation(summary: string, extra: Json, responses: Json): Json {
  return { summary, ...extra, responses: { ...responses, ...errors(401, 503) } };
}

/** The OpenAPI 3.1 document of /api, generated from the same zod schemas the routes use. */
export function buildOpenApiDocument(): Json {
  const id = parameters('path', req.ContactParams);
  return {
    openapi: '3.1.0',
    info: {
      title: 'Fenji API',
      version: '1',
      description: 'For business systems and chat-archive bridges. Bearer tokens from FENJI_API_TOKENS. '
        + 'Times in: ISO 8601 or epoch ms; times out: ISO 8601 UTC. Amounts in yuan. '
        + `Errors are { "error": { "code", "message", "details"? } } with stable codes: ${ERROR_CODES.join('; ')}.`,
    },
    servers: [{ url: '/' }],
    security: [{ bearer: [] }],
    paths: {
      '/api/orders': {
        post: operation('Record an order (idempotent by order_id), then re-evaluate the tier', { requestBody: body(req.OrderInput) }, {
          201: ok('Recorded', res.OrderAccepted), 200: ok('Already recorded with the same fields (replay): the stored order, Idempotent-Replayed: true', res.OrderAccepted),
          ...errors(400, 404, 409, 413, 415),
        }),
      },
      '/api/interactions': {
        post: operation('Record a message, call or visit (idempotent by id), then re-evaluate the tier', { requestBody: body(req.InteractionInput) }, {
          201: ok('Recorded', res.InteractionAccepted), 200: ok('Already recorded with the same fields (replay), Idempotent-Replayed: true', res.InteractionAccepted),
          ...errors(400, 404, 409, 413, 415),
        }),
      },
      '/api/contacts': {
        get: operation('List contacts, optionally by tier and rep, a page at a time', { parameters: parameters('query', req.ContactListQuery) }, {
          200: ok('A page', res.ContactPage), ...errors(400),
        }),
      },
      '/api/contacts/{id}': {
        get: operation('One contact: archive, engagement, tier with reasons, lifecycle, value, history, opt-out', { parameters: id }, {
          200: ok('The contact', res.ContactDetail), ...errors(400, 404),
        }),
      },
      '/api/contacts/{id}/profile': {
        patch: operation('Merge profile (档案) fields', { parameters: id, requestBody: body(req.ProfilePatch) }, {
          200: ok('The merged profile', res.ProfileResult), ...errors(400, 404, 413, 415),
        }),
      },
      '/api/contacts/{id}/tier-override': {
        put: operation('Set a manual tier (wins over the rules until removed or until `until`)', { parameters: id, requestBody: body(req.TierOverrideInput) }, {
          200: ok('The tier now in force', res.TierResult), ...errors(400, 404, 413, 415),
        }),
        delete: operation('Remove the manual tier: the rules decide again', { parameters: id }, {
          200: ok('The tier now in force', res.TierResult), ...errors(400, 404),
        }),
      },
      '/api/contacts/{id}/opt-out': {
        post: operation('Opt the customer out of automated messages by hand (e.g. they asked on the phone)', { parameters: id, requestBody: body(req.OptOutInput) }, {
          200: ok('The opt-out state now held', res.OptOutResult), ...errors(400, 404, 413, 415),
        }),
        delete: operation('Reverse an opt-out: automated messages again; older opt-out messages read later do not count', { parameters: id }, {
          200: ok('The opt-out state now held', res.OptOutResult), ...errors(400, 404),
        }),
      },
      '/api/tiers/summary': {
        get: operation('Contacts per tier, for everyone or one rep', { parameters: parameters('query', req.TiersSummaryQuery) }, {
          200: ok('Counts per tier with zh labels', res.TiersSummary), ...errors(400),
        }),
      },
      '/api/openapi.json': {
        get: { summary: 'This document', security: [], responses: { 200: { description: 'OpenAPI 3.1', content: { 'application/json': {} } } } },
      },
    },
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'A token from FENJI_API_TOKENS.' } },
      responses: { Error: { description: 'An error with a stable code', content: { 'application/json': { schema: ref(res.ErrorBody) } } } },
      schemas: componentSchemas(),
    },
  };
}

/** GET /api/openapi.json, without auth (it holds no data). */
export function mountOpenApi(router: Router): void {
  let document: Json | undefined;
  router.get('/openapi.json', (ctx) => {
    ctx.body = (document ??= buildOpenApiDocument());
  });
}
