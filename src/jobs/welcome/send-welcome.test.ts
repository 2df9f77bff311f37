import { describe, expect, it, vi } from 'vitest';
import { WeComApiError, WeComConfigurationError, WeComRateLimitedError, WeComTransportError } from '../../wecom/api-errors.ts';
import { WELCOME_RETRY_DELAY_MS, type WelcomeJobData } from './job.ts';
import { attemptWelcome, type SendWelcomeDeps } from './send-welcome.ts';

const ADDED = Date.UTC(2026, 8, 25, 2, 0, 0);
const PATH = '/cgi-bin/externalcontact/send_welcome_msg';
const texts = { default: '您好，很高兴认识您！', byState: { 'booth-3': '欢迎您在展会上添加我！' } };
const data: WelcomeJobData = { welcomeCode: 'code-1', state: 'booth-3', userId: 'zhangwei', externalUserId: 'wmCust1', addedAt: ADDED };
const refused = (errcode: number) => new WeComApiError({ errcode, errmsg: 'x', path: PATH });

function deps(now: number, answer: () => Promise<void> = async () => undefined) {
  const sendWelcomeMsg = vi.fn(answer);
  const d: SendWelcomeDeps = { api: { sendWelcomeMsg }, texts, clock: { now: () => now } };
  return { d, sendWelcomeMsg };
}

describe('attemptWelcome', () => {
  it("sends the State's text with the code, each exchange bounded by the time left", async () => {
    const { d, sendWelcomeMsg } = deps(ADDED + 3000);
    expect(await attemptWelcome(data, d, { lastAttempt: false })).toEqual({ outcome: 'sent', at: ADDED + 3000 });
    expect(sendWelcomeMsg).toHaveBeenCalledWith({ welcome_code: 'code-1', text: { content: texts.byState['booth-3'] } }, { timeoutMs: 17_000 });
  });

  it('drops a welcome past the 20 s without calling WeCom', async () => {
    const { d, sendWelcomeMsg } = deps(ADDED + 20_001);
    expect(await attemptWelcome(data, d, { lastAttempt: false })).toMatchObject({ outcome: 'late' });
    expect(sendWelcomeMsg).not.toHaveBeenCalled();
  });

  it.each([41050, 41051])('takes %i as final: no retry', async (errcode) => {
    const { d } = deps(ADDED + 1000, async () => { throw refused(errcode); });
    expect(await attemptWelcome(data, d, { lastAttempt: false })).toMatchObject({ outcome: 'invalid_code' });
  });

  it.each([
    ['no answer', new WeComTransportError(PATH, 'no answer within 10000 ms')],
    ['system busy after the client\'s own retries', refused(-1)],
    ['something of ours (Redis)', new Error('Connection is closed.')],
  ])('retries %s soon while the deadline allows', async (_what, err) => {
    const { d } = deps(ADDED + 1000, async () => { throw err; });
    expect(await attemptWelcome(data, d, { lastAttempt: false })).toEqual({ retryInMs: WELCOME_RETRY_DELAY_MS, err });
  });

  it('waits out a rate limit when it ends before the deadline, and gives up when it does not', async () => {
    const soon = new WeComRateLimitedError({ errcode: 45033, errmsg: 'x', path: PATH }, 800);
    expect(await attemptWelcome(data, deps(ADDED + 1000, async () => { throw soon; }).d, { lastAttempt: false })).toEqual({ retryInMs: 800, err: soon });
    const minute = new WeComRateLimitedError({ errcode: 45009, errmsg: 'x', path: PATH }, 60_000);
    expect(await attemptWelcome(data, deps(ADDED + 1000, async () => { throw minute; }).d, { lastAttempt: false })).toMatchObject({ outcome: 'failed', err: minute });
  });

  it('gives up on a transient failure when the next attempt would start past the deadline, or none is left', async () => {
    const err = new WeComTransportError(PATH, 'socket hang up');
    expect(await attemptWelcome(data, deps(ADDED + 20_000 - WELCOME_RETRY_DELAY_MS, async () => { throw err; }).d, { lastAttempt: false })).toMatchObject({ outcome: 'failed' });
    expect(await attemptWelcome(data, deps(ADDED + 1000, async () => { throw err; }).d, { lastAttempt: true })).toMatchObject({ outcome: 'failed' });
  });

  it('does not retry a refusal that a retry would only repeat', async () => {
    const config = new WeComConfigurationError({ errcode: 48002, errmsg: 'api forbidden', path: PATH });
    expect(await attemptWelcome(data, deps(ADDED + 1000, async () => { throw config; }).d, { lastAttempt: false })).toMatchObject({ outcome: 'failed' });
    expect(await attemptWelcome(data, deps(ADDED + 1000, async () => { throw refused(40058); }).d, { lastAttempt: false })).toMatchObject({ outcome: 'failed' });
  });
});
