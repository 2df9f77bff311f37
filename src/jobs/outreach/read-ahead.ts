import { setImmediate as nextTurn } from 'node:timers/promises';
import type { OutreachPlanPage } from '../../domain/outreach/outreach.ts';

/**
 * A planner's pages in order, up to `depth` of them read ahead of the one the caller is on:
 * each read starts the moment the page before it arrives (its cursor), not when the caller
 * gets to it, so the round trips of a page's read overlap the caller's work on earlier ones.
 * Before each page it hands the event loop a turn: replies that arrived while the caller
 * was busy start their next round trips then; a page already in hand would otherwise be
 * taken without Node ever reading the socket, and Redis would wait on the caller.
 */
export async function* readAhead(read: (cursor: string | null) => Promise<OutreachPlanPage>, depth: number): AsyncGenerator<OutreachPlanPage> {
  const queue: Promise<OutreachPlanPage | null>[] = [];
  let tail: Promise<OutreachPlanPage | null> = read(null);
  const enqueue = (page: Promise<OutreachPlanPage | null>) => {
    // Observed now: a read that fails ahead of the caller is thrown when the caller gets to it.
    page.catch(() => undefined);
    queue.push(page);
  };
  enqueue(tail);
  const fill = () => {
    while (queue.length < depth) enqueue(tail = tail.then((page) => (page === null || page.nextCursor === null ? null : read(page.nextCursor))));
  };
  fill();
  for (;;) {
    await nextTurn();
    const page = await queue.shift()!;
    if (page === null) return;
    fill();
    yield page;
  }
}
