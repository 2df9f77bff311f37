/**
 * What a rep is told when their customer opts out (退订), zh-CN: who, what they wrote, what
 * stops, and that it can be undone, so a customer who changes their mind is not lost.
 * `customer` is the rep's remark for them, else their WeCom name.
 */
export function optOutNoticeText(customer: string, keyword: string): string {
  return `客户「${customer}」回复“${keyword}”，已退订自动消息：Fenji 不再向其发送跟进、节日问候和售后关怀。`
    + '您仍可亲自与客户沟通；如客户希望恢复接收，请在 CRM 中撤销退订。';
}
