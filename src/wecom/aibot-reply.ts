import { splitMessage } from './split-message.ts';

/** A response_url reply's markdown.content holds at most 20480 bytes of UTF-8 (docs/wecom/aibot.md, 'Replying'). */
export const AIBOT_REPLY_MAX_BYTES = 20_480;

/** Said after an answer cut to fit the one reply a response_url allows. */
export const AIBOT_CUT_NOTICE = '……（内容太长，只显示了前面一部分。请缩小范围再问，例如指定等级或人数。）';

/**
 * Characters with a meaning in markdown, swapped for their full-width forms: a customer
 * named `**VIP**` or `[点我](http://…)` is shown as typed, never rendered as markup or a
 * link. Full-width, not a backslash, because whether WeCom's renderer honours backslash
 * escapes is not documented; a member who copies a word back is read the same (the bot's
 * parser folds full-width forms to ASCII).
 */
const MARKUP: Readonly<Record<string, string>> = {
  '*': '＊', '`': '｀', '[': '［', ']': '］', '<': '＜', '>': '＞', '#': '＃', '|': '｜', '~': '～', '\\': '＼',
};

/**
 * The bot's plain-text answer as the markdown body of one response_url reply: markup
 * characters neutralised, each line ended with a markdown hard break (two spaces) so the
 * lines stay lines whether or not the renderer keeps single newlines, and cut between
 * characters (never inside one) to the byte limit with a notice.
 */
export function aibotMarkdown(text: string, maxBytes = AIBOT_REPLY_MAX_BYTES): string {
  const escaped = text.replace(/[*`[\]<>#|~\\]/g, (c) => MARKUP[c] ?? c);
  const markdown = escaped.split('\n').join('  \n');
  if (Buffer.byteLength(markdown, 'utf8') <= maxBytes) return markdown;
  const room = maxBytes - Buffer.byteLength(`\n${AIBOT_CUT_NOTICE}`, 'utf8') - 32;
  // splitMessage cuts between lines or graphemes; the first part without its `（1/n）` label.
  const first = splitMessage(markdown, room)[0]!.replace(/^（1\/\d+）\n/, '');
  return `${first}\n${AIBOT_CUT_NOTICE}`;
}
