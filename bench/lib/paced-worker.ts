import net from 'node:net';
import { createHistogram } from 'node:perf_hooks';
import { parentPort, workerData } from 'node:worker_threads';

/**
 * The paced load generator's sending side, in a worker thread of its own: its heap holds
 * one packed buffer and a few hundred small objects, so its garbage collections are short
 * and never stall the schedule (the main thread's heap holds the whole message pool), and
 * it speaks HTTP/1.1 over raw sockets instead of http.request, which allocates a request,
 * a response, a parser and header objects per call.
 *
 * Input (workerData): `packed` = per message [u32 path length][path][u32 body length][body].
 * Output (postMessage): latency percentiles over the measured window, status counts, and
 * the indexes of messages never answered (so the caller can re-send them).
 */
export interface PacedWorkerInput {
  packed: ArrayBuffer;
  count: number;
  host: string;
  port: number;
  rate: number;
  warmupS: number;
  maxSockets: number;
}

export interface PacedWorkerResult {
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  measured: number;
  measuredWindowMs: number;
  responses: number;
  ok2xx: number;
  errors: number;
  statusCodes: Record<string, number>;
  unanswered: number[];
  /** Measured responses slower than 40 ms: [due time (epoch ms), latency ms], the first 2,000 (for diagnosis). */
  slow: [number, number][];
}

const SLOW_MS = 40;
const HEADER_END = Buffer.from('\r\n\r\n');

interface Conn {
  socket: net.Socket;
  inFlight: { index: number; dueAt: number } | null;
  received: Buffer;
}

function run(input: PacedWorkerInput): Promise<PacedWorkerResult> {
  const bytes = Buffer.from(input.packed);
  // Offsets of each message's path and body, found once: no per-message objects.
  const offsets = new Uint32Array(input.count * 4);
  for (let i = 0, at = 0; i < input.count; i++) {
    const pathLen = bytes.readUInt32LE(at);
    const bodyLen = bytes.readUInt32LE(at + 4 + pathLen);
    offsets.set([at + 4, pathLen, at + 8 + pathLen, bodyLen], i * 4);
    at += 8 + pathLen + bodyLen;
  }

  const histogram = createHistogram();
  const statusCodes: Record<string, number> = {};
  const unanswered: number[] = [];
  const slow: [number, number][] = [];
  const idle: Conn[] = [];
  const waiting: { index: number; dueAt: number }[] = [];
  let open = 0;
  let responses = 0;
  let ok2xx = 0;
  let errors = 0;
  let done: (() => void) | undefined;
  let finished = false;
  const all = new Set<Conn>();
  const started = performance.now();
  const measuredFrom = started + input.warmupS * 1000;

  const settle = (): void => {
    if (responses + unanswered.length === input.count) done?.();
  };

  const write = (conn: Conn, job: { index: number; dueAt: number }): void => {
    conn.inFlight = job;
    const o = job.index * 4;
    const path = bytes.toString('latin1', offsets[o]!, offsets[o]! + offsets[o + 1]!);
    const body = bytes.subarray(offsets[o + 2]!, offsets[o + 2]! + offsets[o + 3]!);
    conn.socket.write(
      `POST ${path} HTTP/1.1\r\nHost: ${input.host}:${input.port}\r\nContent-Type: text/xml; charset=utf-8\r\n` +
        `Content-Length: ${body.length}\r\nConnection: keep-alive\r\n\r\n`,
      'latin1',
    );
    conn.socket.write(body);
  };

  const release = (conn: Conn): void => {
    conn.inFlight = null;
    const next = waiting.shift();
    if (next) write(conn, next);
    else idle.push(conn);
  };

  /** One complete response in `received`? Returns its status and consumes it. */
  const takeResponse = (conn: Conn): number | null => {
    const end = conn.received.indexOf(HEADER_END);
    if (end < 0) return null;
    const head = conn.received.toString('latin1', 0, end);
    const length = Number(/\r\ncontent-length:\s*(\d+)/i.exec(head)?.[1] ?? 0);
    if (/\r\ntransfer-encoding:\s*chunked/i.test(head)) {
      const last = conn.received.indexOf('0\r\n\r\n', end + 4);
      if (last < 0) return null;
      conn.received = conn.received.subarray(last + 5);
    } else {
      if (conn.received.length < end + 4 + length) return null;
      conn.received = conn.received.subarray(end + 4 + length);
    }
    return Number(head.slice(9, 12));
  };

  const connect = (): Conn => {
    open++;
    const conn: Conn = { socket: net.connect({ host: input.host, port: input.port, noDelay: true }), inFlight: null, received: Buffer.alloc(0) };
    conn.socket.on('data', (chunk: Buffer) => {
      conn.received = conn.received.length ? Buffer.concat([conn.received, chunk]) : chunk;
      const status = takeResponse(conn);
      if (status === null || !conn.inFlight) return;
      const { dueAt } = conn.inFlight;
      responses++;
      statusCodes[status] = (statusCodes[status] ?? 0) + 1;
      if (status >= 200 && status < 300) ok2xx++;
      if (dueAt >= measuredFrom) {
        const latency = performance.now() - dueAt;
        histogram.record(Math.max(1, Math.round(latency * 1000)));
        if (latency > SLOW_MS && slow.length < 2000) slow.push([Math.round(performance.timeOrigin + dueAt), Math.round(latency)]);
      }
      release(conn);
      settle();
    });
    conn.socket.on('error', () => undefined);
    conn.socket.on('close', () => {
      open--;
      const i = idle.indexOf(conn);
      if (i >= 0) idle.splice(i, 1);
      if (conn.inFlight && !finished) {
        errors++;
        unanswered.push(conn.inFlight.index);
        conn.inFlight = null;
        settle();
      }
    });
    all.add(conn);
    return conn;
  };

  const send = (index: number, dueAt: number): void => {
    const job = { index, dueAt };
    const conn = idle.pop() ?? (open < input.maxSockets ? connect() : undefined);
    if (conn) write(conn, job);
    else waiting.push(job);
  };

  return new Promise((resolve) => {
    const finish = (): void => {
      // Anything still queued or in flight after the grace period counts as unanswered.
      finished = true;
      for (const job of waiting.splice(0)) unanswered.push(job.index);
      for (const conn of all) {
        if (conn.inFlight) unanswered.push(conn.inFlight.index);
        conn.socket.destroy();
      }
      resolve({
        p50Ms: histogram.count ? histogram.percentile(50) / 1000 : NaN,
        p99Ms: histogram.count ? histogram.percentile(99) / 1000 : NaN,
        maxMs: histogram.count ? histogram.max / 1000 : NaN,
        measured: histogram.count,
        measuredWindowMs: performance.now() - measuredFrom,
        responses,
        ok2xx,
        errors,
        statusCodes,
        unanswered,
        slow,
      });
    };
    let sent = 0;
    const tick = (): void => {
      const due = Math.min(input.count, Math.floor(((performance.now() - started) * input.rate) / 1000) + 1);
      for (; sent < due; sent++) send(sent, started + (sent * 1000) / input.rate);
      if (sent < input.count) {
        setTimeout(tick, 1);
        return;
      }
      const grace = setTimeout(() => {
        done = undefined;
        finish();
      }, 15_000);
      done = () => {
        clearTimeout(grace);
        done = undefined;
        finish();
      };
      settle();
    };
    tick();
  });
}

if (parentPort) {
  const port = parentPort;
  void run(workerData as PacedWorkerInput).then((result) => port.postMessage(result));
}
