import { readFileSync } from 'node:fs';

/**
 * CPU used by processes during a phase, in cores (CPU seconds / wall seconds), from
 * /proc/<pid>/stat (utime + stime, all threads) and process.cpuUsage() for this process
 * (the load generator). Tells whether the server, Redis or the load generator was the
 * bottleneck. `other` = user+system time of every other process on the machine (the
 * machine is shared: a high value means the run was disturbed) and `steal` = time the
 * hypervisor gave our vCPUs to someone else. Linux only; elsewhere the numbers are NaN.
 */
const CLK_TCK = 100; // USER_HZ: 100 on every mainstream Linux build

function procCpuSeconds(pid: number | undefined): number {
  if (pid === undefined) return NaN;
  try {
    // Fields after "pid (comm) ": state is index 0, utime 11, stime 12.
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ').pop()!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLK_TCK;
  } catch {
    return NaN;
  }
}

/** Machine-wide [user+nice+system, steal] seconds from the first line of /proc/stat. */
function machineCpuSeconds(): [number, number] {
  try {
    const f = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!.trim().split(/\s+/).slice(1).map(Number);
    return [(f[0]! + f[1]! + f[2]!) / CLK_TCK, f[7]! / CLK_TCK];
  } catch {
    return [NaN, NaN];
  }
}

export type CpuShare = Record<string, number>;

/** Starts measuring; the returned function gives cores used per name since the start. */
export function startCpuMeter(pids: Record<string, number | undefined>): () => CpuShare {
  const wall0 = performance.now();
  const self0 = process.cpuUsage();
  const before = Object.fromEntries(Object.entries(pids).map(([name, pid]) => [name, procCpuSeconds(pid)]));
  const [busy0, steal0] = machineCpuSeconds();
  return () => {
    const wallS = (performance.now() - wall0) / 1000;
    const self = process.cpuUsage(self0);
    const [busy1, steal1] = machineCpuSeconds();
    const share: CpuShare = {};
    let ours = (self.user + self.system) / 1e6;
    for (const [name, pid] of Object.entries(pids)) {
      const used = procCpuSeconds(pid) - before[name]!;
      ours += used;
      share[name] = round2(used / wallS);
    }
    share['loadgen'] = round2((self.user + self.system) / 1e6 / wallS);
    share['other'] = round2(Math.max(0, busy1 - busy0 - ours) / wallS);
    share['steal'] = round2((steal1 - steal0) / wallS);
    return share;
  };
}

function round2(n: number): number {
  return Math.round(n * 100) / 100;
}
