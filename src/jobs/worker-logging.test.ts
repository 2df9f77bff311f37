import { EventEmitter } from 'node:events';
import { UnrecoverableError, type Worker } from 'bullmq';
import { describe, expect, it } from 'vitest';
import type { Logger } from '../shared/logger.ts';
import { logWorkerTrouble } from './worker-logging.ts';

function setup() {
  const lines: [string, string][] = [];
  const log = { warn: (_: unknown, msg: string) => lines.push(['warn', msg]), error: (_: unknown, msg: string) => lines.push(['error', msg]) } as unknown as Logger;
  const worker = Object.assign(new EventEmitter(), { name: 'q' }) as unknown as Worker & EventEmitter;
  return { lines, log, worker };
}
const job = (attemptsMade: number, attempts: number) => ({ id: '1', attemptsMade, opts: { attempts } });

describe('logWorkerTrouble', () => {
  it('warns on a failed attempt and errs on the last one or an unrecoverable error, in the worker’s words', () => {
    const { lines, log, worker } = setup();
    logWorkerTrouble(worker, log, { final: 'sync failed for good', retry: 'sync failed, will resume' });
    worker.emit('failed', job(1, 3), new Error('x'));
    worker.emit('failed', job(3, 3), new Error('x'));
    worker.emit('failed', job(1, 3), new UnrecoverableError('bad secret'));
    worker.emit('failed', undefined, new Error('x'));
    expect(lines).toEqual([['warn', 'sync failed, will resume'], ['error', 'sync failed for good'], ['error', 'sync failed for good'], ['error', 'sync failed for good']]);
  });

  it('logs a repeated worker error once, and again after the worker is ready', () => {
    const { lines, log, worker } = setup();
    logWorkerTrouble(worker, log);
    for (let i = 0; i < 3; i++) worker.emit('error', new Error('connect ECONNREFUSED'));
    worker.emit('ready');
    worker.emit('error', new Error('connect ECONNREFUSED'));
    expect(lines).toEqual([['warn', 'worker error'], ['warn', 'worker error']]);
  });
});
