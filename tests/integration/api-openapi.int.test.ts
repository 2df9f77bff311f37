import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ContactStore } from '../../src/domain/ports.ts';
import { buildApiRouter } from '../../src/http/routes/api/index.ts';
import { ErrorBody, OrderAccepted } from '../../src/http/routes/api/schemas/responses.ts';
import { DAY, NOW, startApiHarness, TZ, type ApiHarness } from '../helpers/api-app.ts';
import { testPolicies } from '../helpers/tier-rules.ts';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- walking a JSON document

/** Every (method, OpenAPI path) the router serves, `:id` written as `{id}`. */
function routerOperations(): string[] {
  const router = buildApiRouter({
    store: {} as ContactStore, policy: testPolicies.tiers, timeZone: TZ,
    clock: { now: () => NOW }, tokens: [], log: pino({ level: 'silent' }),
  });
  return router.stack.flatMap((layer) =>
    layer.methods.filter((m) => m !== 'HEAD').map((m) => `${m.toLowerCase()} ${String(layer.path).replace(/:(\w+)/g, '{$1}')}`));
}

/** Every $ref in the document resolves. */
function unresolvedRefs(doc: Json): string[] {
  const missing: string[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (node === null || typeof node !== 'object') return;
    for (const [key, value] of Object.entries(node)) {
      if (key === '$ref' && typeof value === 'string') {
        const target = value.replace(/^#\//, '').split('/').reduce<Json | undefined>((at, part) => at?.[part], doc);
        if (target === undefined) missing.push(value);
      } else walk(value);
    }
  };
  walk(doc);
  return missing;
}

describe('GET /api/openapi.json', () => {
  let api: ApiHarness;
  let doc: Json;

  beforeEach(async () => {
    api = await startApiHarness();
    const res = await fetch(`${api.url}/api/openapi.json`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    doc = JSON.parse(await res.text()) as Json;
  });

  afterEach(async () => {
    await api.close();
  });

  it('is OpenAPI 3.1 with bearer auth, every $ref resolving', () => {
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(unresolvedRefs(doc)).toEqual([]);
  });

  it('lists exactly the operations the router serves', () => {
    const documented = Object.entries(doc.paths as Json).flatMap(([path, ops]) => Object.keys(ops as Json).map((m) => `${m} ${path}`));
    expect(documented.sort()).toEqual(routerOperations().sort());
    expect(documented).toEqual(expect.arrayContaining(['post /api/orders', 'post /api/interactions', 'get /api/contacts', 'get /api/contacts/{id}',
      'patch /api/contacts/{id}/profile', 'put /api/contacts/{id}/tier-override', 'delete /api/contacts/{id}/tier-override', 'get /api/tiers/summary',
      'post /api/contacts/{id}/opt-out', 'delete /api/contacts/{id}/opt-out']));
  });

  it("describes what the routes accept: the document's own examples are accepted as they are", async () => {
    await api.seedContact('wmEXAMPLEcustomer01', { addedAt: NOW - 10 * DAY });
    const example = (name: string): unknown => {
      const examples = doc.components.schemas[name].examples as unknown[];
      expect(examples.length).toBeGreaterThan(0);
      return examples[0];
    };
    const id = 'wmEXAMPLEcustomer01';
    expect((await api.call('POST', '/api/orders', { body: example('OrderInput') })).status).toBe(201);
    expect((await api.call('POST', '/api/interactions', { body: example('InteractionInput') })).status).toBe(201);
    expect((await api.call('PATCH', `/api/contacts/${id}/profile`, { body: example('ProfilePatch') })).status).toBe(200);
    expect((await api.call('PUT', `/api/contacts/${id}/tier-override`, { body: example('TierOverrideInput') })).status).toBe(200);
    expect((await api.call('POST', `/api/contacts/${id}/opt-out`, { body: example('OptOutInput') })).status).toBe(200);
  });

  it('matches the validation: a documented required field or a closed object is enforced by the route', async () => {
    await api.seedContact('c1');
    const order = doc.components.schemas.OrderInput;
    expect(order.additionalProperties).toBe(false);
    expect(order.required.sort()).toEqual(['amount', 'external_userid', 'order_id']);
    expect(order.properties.amount.minimum).toBe(0);
    const valid = { order_id: 'o1', external_userid: 'c1', amount: 5 };
    for (const field of order.required as string[]) {
      const { [field]: _dropped, ...rest } = valid as Record<string, unknown>;
      const res = await api.call('POST', '/api/orders', { body: rest });
      expect(res.status, field).toBe(400);
      expect(res.body.error.details.map((d: { path: string }) => d.path)).toContain(`body.${field}`);
    }
    expect((await api.call('POST', '/api/orders', { body: { ...valid, amount: -0.5 } })).status).toBe(400);
    expect((await api.call('POST', '/api/orders', { body: valid })).status).toBe(201);
  });

  it('documents the 409 of a replay with other fields, and the real 409 has the documented shape', async () => {
    for (const path of ['/api/orders', '/api/interactions']) expect(doc.paths[path].post.responses['409'], path).toBeDefined();
    expect(doc.info.description).toMatch(/409 order_conflict.*interaction_conflict/);
    await api.seedContact('c1');
    await api.call('POST', '/api/orders', { body: { order_id: 'o1', external_userid: 'c1', amount: 5 } });
    const res = await api.call('POST', '/api/orders', { body: { order_id: 'o1', external_userid: 'c1', amount: 6 } });
    expect(res.status).toBe(409);
    expect(ErrorBody.parse(res.body).error.details).toEqual({ order: OrderAccepted.shape.order.parse(res.body.error.details.order) });
    const errorSchema = doc.components.schemas.Error.properties.error.properties.details;
    expect(JSON.stringify(errorSchema)).toMatch(/order/);
  });

  it("documents the responses' fields: a real contact answer has exactly the documented top-level keys", async () => {
    await api.seedContact('c1');
    await api.call('DELETE', '/api/contacts/c1/tier-override');
    const res = await api.call('GET', '/api/contacts/c1');
    const schema = doc.components.schemas.ContactDetail;
    expect(Object.keys(res.body).sort()).toEqual(Object.keys(schema.properties).sort());
    const tierSchema = doc.components.schemas.TierView;
    expect(Object.keys(res.body.tier).sort()).toEqual(Object.keys(tierSchema.properties).sort());
  });
});
