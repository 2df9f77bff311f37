import { describe, expect, it } from 'vitest';
import { contactEvent } from '../../../tests/helpers/factories.ts';
import { welcomeJobFor, welcomeJobId } from './job.ts';

const RECEIVED = Date.UTC(2026, 8, 25, 2, 0, 3);
const CODE = 'CALLBACK_CODE_123+/=abc';

describe('welcomeJobFor', () => {
  it.each(['add_external_contact', 'add_half_external_contact'])('queues a welcome for %s with a WelcomeCode', (changeType) => {
    const event = contactEvent(changeType, 'zhangwei', 'wmCust1', { welcomeCode: CODE, state: 'booth-3', createTime: 1_790_000_000 });
    expect(welcomeJobFor(event, RECEIVED)).toEqual({
      id: welcomeJobId(CODE),
      data: { welcomeCode: CODE, state: 'booth-3', userId: 'zhangwei', externalUserId: 'wmCust1', addedAt: 1_790_000_000_000 },
    });
  });

  it('queues nothing for an add without a WelcomeCode (a welcome set in the admin console, chatting already started)', () => {
    expect(welcomeJobFor(contactEvent('add_external_contact', 'zhangwei', 'wmCust1', { state: 'booth-3' }), RECEIVED)).toBeUndefined();
  });

  it('queues nothing for other events, whatever they carry', () => {
    expect(welcomeJobFor(contactEvent('edit_external_contact', 'zhangwei', 'wmCust1', { welcomeCode: CODE }), RECEIVED)).toBeUndefined();
    expect(welcomeJobFor({ kind: 'app_message', toUserName: 'c', fromUserName: 'zhangwei', createTime: 1, msgType: 'text', msgId: '1' }, RECEIVED)).toBeUndefined();
  });

  it('counts the 20 s from receipt when WeCom sent no CreateTime, and leaves out an empty State', () => {
    const job = welcomeJobFor(contactEvent('add_external_contact', 'zhangwei', 'wmCust1', { welcomeCode: CODE, state: '' }), RECEIVED);
    expect(job?.data.addedAt).toBe(RECEIVED);
    expect(job?.data).not.toHaveProperty('state');
  });
});

describe('welcomeJobId', () => {
  it('is one id per code, names no code, and is one BullMQ accepts', () => {
    const id = welcomeJobId(CODE);
    expect(welcomeJobId(CODE)).toBe(id);
    expect(welcomeJobId(`${CODE}x`)).not.toBe(id);
    expect(id).not.toContain(CODE);
    expect(id).not.toContain(':');
    expect(id).not.toMatch(/^\d+$/);
  });
});
