import { runCli } from '../cli/run-cli.ts';
import { environmentWithEnvFile } from '../config/env-file.ts';
import { createLogger } from '../shared/logger.ts';
import { callControl } from './client.ts';
import type { DeliveryResult } from './sender.ts';
import { sandboxStateFile } from './persistence.ts';
import { followUpsDemo } from './demo-followups.ts';
import { resetSandboxAndFenji } from './reset.ts';
import { startSandbox } from './server.ts';
import type { StateSnapshot } from './snapshot.ts';

/**
 * `npm run sandbox -- <serve|demo|reset>`. The only sandbox file that reads process.env: the
 * rest take options, so tests and Fenji's in-process start configure them directly.
 */

const DEFAULT_PORT = 4100;
const DEFAULT_CALLBACK_URL = 'http://127.0.0.1:3000/wecom/callback';
const DEFAULT_SANDBOX_URL = `http://127.0.0.1:${DEFAULT_PORT}`;

/** Runs the sandbox standalone until SIGINT/SIGTERM. */
async function serve(): Promise<void> {
  // LOG_FORMAT wins over the terminal guess: the image has no pino-pretty, even under `-t`.
  const format = process.env['LOG_FORMAT'];
  const log = createLogger({ level: process.env['LOG_LEVEL'] ?? 'info', pretty: format ? format === 'pretty' : Boolean(process.stdout.isTTY) });
  const sandbox = await startSandbox({
    port: Number(process.env['SANDBOX_PORT'] ?? DEFAULT_PORT),
    host: process.env['SANDBOX_HOST'] ?? '127.0.0.1',
    callbackUrl: process.env['FENJI_CALLBACK_URL'] ?? DEFAULT_CALLBACK_URL,
    log,
    stateFile: sandboxStateFile(process.env['DATA_DIR'] ?? './data'),
  });
  console.log(`WeCom 沙箱已启动 sandbox running at ${sandbox.url} → callbacks to ${sandbox.sender?.callbackUrl}`);
  const stop = (): void => {
    void sandbox.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

type Step = { delivery: DeliveryResult | null };

/** One line per callback: what happened and what Fenji answered. */
function describe(delivery: DeliveryResult | null): string {
  if (!delivery) {
    return '未配置回调地址 no callback URL configured';
  }
  const tries = `${delivery.attempts} 次尝试 attempt${delivery.attempts === 1 ? '' : 's'}`;
  if (delivery.ok) {
    return `Fenji 应答 answered HTTP 200 (${tries})`;
  }
  return delivery.status === null
    ? `Fenji 无应答 no answer: ${delivery.error ?? 'unknown'} (${tries})`
    : `Fenji 应答 answered HTTP ${delivery.status} (${tries})`;
}

/** Drives a running sandbox through a first-run story: one rep, two customers, one question. */
async function demo(): Promise<void> {
  // The sandbox Fenji started: SANDBOX_PORT may be set in .env, as for npm start.
  const env = environmentWithEnvFile(process.env);
  const base = env['SANDBOX_URL'] ?? (env['SANDBOX_PORT'] ? `http://127.0.0.1:${env['SANDBOX_PORT']}` : DEFAULT_SANDBOX_URL);
  try {
    await callControl(base, 'GET', 'health', undefined, { signal: AbortSignal.timeout(3000) });
  } catch {
    console.error(`✗ 沙箱无法连接 sandbox not reachable at ${base} — start Fenji first: npm start`);
    process.exit(1);
  }
  const post = async <T extends Step>(path: string, body: unknown): Promise<T> => {
    const res = await callControl<T & { message?: string }>(base, 'POST', path, body);
    if (res.status !== 200) {
      throw new Error(`${path}: HTTP ${res.status} ${res.body.message ?? ''}`);
    }
    return res.body;
  };

  const { body: state } = await callControl<StateSnapshot>(base, 'GET', 'state');
  const seeded = !state.reps.some((r) => r.userid === 'zhangwei');
  if (seeded) {
    await callControl(base, 'POST', 'seed', { reps: [{ userid: 'zhangwei', name: '张伟' }] });
  }
  console.log(`[1/4] 销售就绪 rep ready: 张伟 (zhangwei) ${seeded ? '— 新建 seeded' : '— 已存在 already there'}`);

  // The sandbox keeps its corp across restarts (DATA_DIR), as Fenji keeps its data: a
  // second run finds the customers it added and says so, rather than adding them twice.
  const results: Step[] = [];
  const ids: Record<string, string> = {};
  for (const [i, name] of ['李娜', '王芳'].entries()) {
    const known = state.contacts.find((c) => c.name === name && state.relations.some((r) => r.userid === 'zhangwei' && r.external_userid === c.external_userid));
    if (known) {
      ids[name] = known.external_userid;
      console.log(`[${i + 2}/4] 客户已存在 already there: ${name} (${known.external_userid}) → 张伟 · 未重复添加 not added again`);
      continue;
    }
    const added = await post<Step & { contact: { external_userid: string } }>('simulate/add-contact', { userid: 'zhangwei', name, state: 'demo' });
    ids[name] = added.contact.external_userid;
    results.push(added);
    console.log(`[${i + 2}/4] 客户添加销售 customer added rep: ${name} → 张伟 · ${describe(added.delivery)}`);
  }

  const text = '你好，请问这个产品多少钱？';
  const message = await post<Step>('simulate/customer-message', { external_userid: ids['李娜'], text });
  results.push(message);
  console.log(`[4/4] 客户发消息 customer wrote (kf): 李娜: "${text}" · ${describe(message.delivery)}`);

  if (!results.every((r) => r.delivery?.ok)) {
    console.error('✗ Fenji 未接受全部回调 Fenji did not accept every callback (see the lines above)');
    process.exit(1);
  }
  console.log('✓ 完成 done — Fenji 收到了全部回调 Fenji accepted every callback');
}

async function main(): Promise<void> {
  const command = process.argv[2];
  switch (command) {
    case 'serve':
      return serve();
    case 'demo':
      return process.argv[3] === 'followups' ? runCli(followUpsDemo) : demo();
    case 'reset':
      return runCli(resetSandboxAndFenji);
    default:
      console.error('usage: npm run sandbox -- <serve|demo [followups]|reset>');
      console.error('  serve  run the WeCom sandbox (SANDBOX_PORT, SANDBOX_HOST, FENJI_CALLBACK_URL, LOG_FORMAT)');
      console.error('  demo   drive a running sandbox (SANDBOX_URL): one rep, two customers, one question');
      console.error('  demo followups  then the follow-up push, played now on a demo clock (sandbox mode)');
      console.error('  reset  start the sandbox corp and Fenji\'s data (REDIS_KEY_PREFIX) over; Fenji must be stopped');
      process.exit(2);
  }
}

main().catch((error: unknown) => {
  console.error(`✗ ${(error as Error).message}`);
  process.exit(1);
});
