import { aibotRoutes } from '../aibot.ts';
import { externalContactRoutes } from './externalcontact.ts';
import { groupMsgRoutes } from './groupmsg.ts';
import { kfRoutes } from './kf.ts';
import { mediaRoutes } from './media.ts';
import { messageRoutes } from './messages.ts';
import { tagRoutes } from './tags.ts';
import { tokenRoutes } from './token.ts';
import type { ApiRoute } from './types.ts';

/** Every WeCom API the sandbox implements, by path. */
export const API_ROUTES: ReadonlyMap<string, ApiRoute> = new Map(
  [...tokenRoutes, ...externalContactRoutes, ...tagRoutes, ...messageRoutes, ...mediaRoutes, ...groupMsgRoutes, ...kfRoutes, ...aibotRoutes].map(
    (route) => [route.path, route],
  ),
);
