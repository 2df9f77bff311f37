import type { Router } from '@koa/router';
import type { Middleware } from 'koa';
import type { z } from 'zod';
import type { Order } from '../../../domain/contacts/contact.ts';
import { DAY_MS } from '../../../domain/tiers/policy.ts';
import { settleTier, type ApiDeps } from './deps.ts';
import { ApiError, assertNotFuture, contactNotFound } from './errors.ts';
import { readJsonBody } from './json-body.ts';
import { iso, presentTier } from './present.ts';
import { OrderInput } from './schemas/requests.ts';
import type { OrderAccepted } from './schemas/responses.ts';

/**
 * POST /api/orders: records an order once per order_id (201), then re-evaluates the tier.
 * A replay with the same fields (canonicalOrder) is answered 200 with the stored order and
 * `Idempotent-Replayed: true`; one with other fields 409 order_conflict, the stored order
 * in `details`, nothing written: a correction must not look applied when it was not.
 */
export function mountOrders(router: Router, auth: Middleware, deps: ApiDeps): void {
  router.post('/orders', auth, async (ctx) => {
    const input = await readJsonBody(ctx, OrderInput, deps.maxBodyBytes);
    assertNotFuture('body.paid_at', input.paid_at, deps.clock.now());
    const order = toOrder(input);
    const result = await deps.store.addOrder(order);
    if (result === 'unknown_contact') throw contactNotFound(order.externalUserId);
    // Orders recorded before orders were kept have no stored copy: the request stands in.
    const stored = result === 'added' ? order : ((await deps.store.getOrder(order.externalUserId, order.orderId)) ?? order);
    if (result === 'conflict') {
      throw new ApiError('order_conflict', `order ${order.orderId} is already recorded with other fields; nothing was changed`, 409, { order: echo(stored) });
    }
    // A replay re-evaluates too: the first attempt may have stored the order and died before.
    const record = await settleTier(deps, order.externalUserId);
    const body: z.infer<typeof OrderAccepted> = { order: echo(stored), tier: record ? presentTier(record) : null };
    ctx.status = result === 'added' ? 201 : 200;
    if (result === 'duplicate') ctx.set('Idempotent-Replayed', 'true');
    ctx.body = body;
    deps.log.debug({ orderId: order.orderId, externalUserId: order.externalUserId, result }, 'order taken');
  });
}

function toOrder(input: z.output<typeof OrderInput>): Order {
  const derivedLate = input.paid_at !== undefined && input.due_at !== undefined
    ? Math.max(0, Math.floor((input.paid_at - input.due_at) / DAY_MS))
    : undefined;
  const daysLate = input.days_late ?? derivedLate;
  return {
    orderId: input.order_id,
    externalUserId: input.external_userid,
    amount: input.amount,
    ...(input.cost !== undefined ? { cost: input.cost } : {}),
    ...(input.profit !== undefined ? { profit: input.profit } : {}),
    ...(input.paid_at !== undefined ? { paidAt: input.paid_at } : {}),
    ...(input.due_at !== undefined ? { dueAt: input.due_at } : {}),
    ...(daysLate !== undefined ? { daysLate } : {}),
    ...(input.product !== undefined ? { product: input.product } : {}),
    ...(input.region !== undefined ? { region: input.region } : {}),
  };
}

function echo(o: Order): z.infer<typeof OrderAccepted>['order'] {
  return {
    order_id: o.orderId, external_userid: o.externalUserId, amount: o.amount, cost: o.cost ?? null, profit: o.profit ?? null,
    paid_at: o.paidAt === undefined ? null : iso(o.paidAt), due_at: o.dueAt === undefined ? null : iso(o.dueAt),
    days_late: o.daysLate ?? null, product: o.product ?? null, region: o.region ?? null,
  };
}
