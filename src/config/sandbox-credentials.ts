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
