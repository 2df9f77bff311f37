/**
 * The sandbox corp's credentials. Public on purpose: they only ever talk to the
 * local sandbox, so the demo sender and a Fenji started with no credentials agree.
 */
export const SANDBOX_CREDENTIALS = {
  corpId: 'wwfenjisandbox0001',
  agentId: 1000002,
  secret: 'sandbox-secret-not-for-production',
  token: 'FenjiSandboxToken',
  encodingAESKey: 'FenjiSandboxEncodingAESKey0123456789abcdefg',
} as const;

/**
 * The sandbox's 智能机器人 (its own Token and EncodingAESKey, as a real bot has). Fenji
 * uses them only when WECOM_AIBOT_TOKEN and WECOM_AIBOT_ENCODING_AES_KEY are set to them.
 */
export const SANDBOX_AIBOT_CREDENTIALS = {
  aibotId: 'aibfenjisandbox0001',
  token: 'FenjiSandboxAibotToken',
  encodingAESKey: 'FenjiSandboxAibotEncodingAESKey0123456789ab',
} as const;
