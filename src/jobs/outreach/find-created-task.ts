import type { WeComApi } from '../../wecom/api.ts';
import { WeComApiError, WeComRateLimitedError } from '../../wecom/api-errors.ts';

/**
 * How long after a crashed call began its task is looked for: past the client's 10 s
 * timeout, so WeCom has answered or dropped the dead process's request by then.
 */
export const SETTLE_MS = 30_000;
/** Slack around the call's start, for the two clocks (Fenji's and WeCom's create_time). */
const SLACK_S = 120;
const PAGE_LIMIT = 1000;

export type FoundTask = { state: 'created'; msgid: string; failList: string[] } | { state: 'not_created' } | { state: 'unknown' };

/**
 * After a crash in the middle of an add_msg_template call: did it create the task? Lists the
 * rep's tasks created since the call began (get_groupmsg_list_v2) with the same text, and
 * takes the one whose recipients are ours (get_groupmsg_send_result; those WeCom refused at
 * once are missing): each customer is claimed by one send per occasion, so a task of another
 * send (another chunk, a later run) holds none of them. None: the request never
 * reached WeCom, so calling again sends nobody twice. If WeCom will not say (an error other
 * than a rate limit), 'unknown': counted as sent, as before.
 * @throws WeComRateLimitedError (the job waits and asks again).
 */
export async function findCreatedTask(
  api: Pick<WeComApi, 'getGroupmsgListV2' | 'getGroupmsgSendResult'>,
  call: { rep: string; text: string; recipients: readonly string[]; at: number },
  now: number,
): Promise<FoundTask> {
  try {
    const want = new Set(call.recipients);
    let cursor = '';
    do {
      const page = await api.getGroupmsgListV2({
        chat_type: 'single', creator: call.rep, filter_type: 0, limit: 100,
        start_time: Math.floor(call.at / 1000) - SLACK_S, end_time: Math.ceil(now / 1000) + SLACK_S, ...(cursor ? { cursor } : {}),
      });
      for (const task of page.group_msg_list) {
        if (task.text?.content !== call.text) continue;
        const theirs = await recipientsOf(api, task.msgid, call.rep);
        if (theirs.size > 0 && [...theirs].every((id) => want.has(id))) {
          return { state: 'created', msgid: task.msgid, failList: call.recipients.filter((id) => !theirs.has(id)) };
        }
      }
      cursor = page.next_cursor ?? '';
    } while (cursor);
    return { state: 'not_created' };
  } catch (err) {
    if (err instanceof WeComApiError && !(err instanceof WeComRateLimitedError)) return { state: 'unknown' };
    throw err;
  }
}

async function recipientsOf(api: Pick<WeComApi, 'getGroupmsgSendResult'>, msgid: string, rep: string): Promise<Set<string>> {
  const ids = new Set<string>();
  let cursor = '';
  do {
    const page = await api.getGroupmsgSendResult({ msgid, userid: rep, limit: PAGE_LIMIT, ...(cursor ? { cursor } : {}) });
    for (const r of page.send_list) if (r.external_userid) ids.add(r.external_userid);
    cursor = page.next_cursor ?? '';
  } while (cursor);
  return ids;
}
