import type { OccasionPolicy } from '../calendar/occasion-policy.ts';

/**
 * The welcome message (送欢迎语): WeCom hands a WelcomeCode with the add event, usable once
 * and only within 20 s of it (docs/wecom/api.md, 'Welcome message'). Pure: which text, and
 * until when it may still go out.
 */

/** The welcome texts of config/occasions.jsonc: by the contact way's State (渠道活码), else `default`. */
export type WelcomeTexts = OccasionPolicy['welcome'];

/** How long after the add event WeCom accepts its WelcomeCode. */
export const WELCOME_WINDOW_MS = 20_000;

/**
 * The text for an add through the contact way `state`: its own text when the config has
 * one, else the default. Only the config's own keys count ("constructor" is no State's text).
 */
export function welcomeText(texts: WelcomeTexts, state: string | undefined): string {
  if (state !== undefined && Object.hasOwn(texts.byState, state)) return texts.byState[state]!;
  return texts.default;
}

/** The last instant (ms) a welcome for an add at `addedAt` can still be sent. */
export function welcomeDeadline(addedAt: number): number {
  return addedAt + WELCOME_WINDOW_MS;
}
