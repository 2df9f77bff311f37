import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SAMPLE_A, SAMPLE_B } from '../../src/wecom/fixtures/official-samples.ts';
import { startAppHarness, type AppHarness } from '../helpers/http-app.ts';

// WeCom's own published samples, sent to our endpoint exactly as the samples show WeCom
// sending them. Their timestamps are from 2014, so the age check is off
// (WECOM_CALLBACK_MAX_AGE_S=0), as the README says to do for replaying samples.
describe.each([SAMPLE_A, SAMPLE_B])('WeCom sample $source', (sample) => {
  let h: AppHarness;
  beforeAll(async () => {
    h = await startAppHarness({ maxAgeSeconds: 0, credentials: sample });
  });
  afterAll(async () => {
    await h.close();
  });

  it('answers the URL verification with the decrypted echostr only', async () => {
    const v = sample.verify;
    const query = sample.verifyQueryString ?? new URLSearchParams({ msg_signature: v.msgSignature, timestamp: v.timestamp, nonce: v.nonce, echostr: v.echostr }).toString();
    const res = await fetch(`${h.url}/wecom/callback?${query}`);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe(sample.echoPlaintext);
  });

  it('accepts the published POST and enqueues it', async () => {
    const p = sample.post;
    const query = new URLSearchParams({ msg_signature: p.msgSignature, timestamp: p.timestamp, nonce: p.nonce });
    const res = await fetch(`${h.url}/wecom/callback?${query}`, { method: 'POST', body: p.body });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('');
    const [job] = await h.queue.getJobs(['wait']);
    expect(job?.data.event.kind).toBe('app_message');
    expect(job?.data.event.toUserName).toBe(sample.corpId);
  });

  it('refuses the same sample when the age check is on', async () => {
    const strict = await startAppHarness({ credentials: sample });
    try {
      const v = sample.verify;
      const query = new URLSearchParams({ msg_signature: v.msgSignature, timestamp: v.timestamp, nonce: v.nonce, echostr: v.echostr });
      const res = await fetch(`${strict.url}/wecom/callback?${query}`);
      expect(res.status).toBe(401);
      expect(await res.json()).toEqual({ error: 'timestamp_stale' });
    } finally {
      await strict.close();
    }
  });
});
