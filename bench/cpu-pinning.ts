// The server being measured on a CPU of its own, everything else (the runner, autocannon, Redis)
// on the others. Two identical Express servers, measured round after round, differed within a
// round by 0.78 to 1.41 (interquartile range of their ratio) when they shared the cores with
// autocannon, and by 0.93 to 1.05 and 0.89 to 1.03 in two trials pinned: a switch between
// processes cools a core's caches, by however much they happened to interleave.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { cpus } from 'node:os';

export interface CpuPinning {
  /** The CPU list (taskset's syntax) of the servers being measured. */
  server: string;
  /** The CPU list of the runner and of what it starts (autocannon runs in it; Redis, helpers). */
  rest: string;
}

function taskset(cpuList: string, pid: number): void {
  // -a: every thread of the process; threads started later inherit it.
  execFileSync('taskset', ['-a', '-p', '-c', cpuList, String(pid)], { stdio: 'ignore' });
}

/**
 * Pins this process (and so what it starts) to every CPU but the last, kept for the servers.
 * Undefined, and nothing pinned, with one CPU, without taskset (util-linux), or with BENCH_PIN=0.
 */
export function pinRunner(): CpuPinning | undefined {
  const count = cpus().length;
  if (process.env.BENCH_PIN === '0' || count < 2) return undefined;
  const pinning = { server: String(count - 1), rest: count === 2 ? '0' : `0-${count - 2}` };
  try {
    taskset(pinning.rest, process.pid);
    return pinning;
  } catch {
    return undefined;
  }
}

/** Moves a server just started to the servers' CPU. */
export function pinServer(pid: number | undefined, pinning: CpuPinning | undefined): void {
  if (pinning !== undefined && pid !== undefined) taskset(pinning.server, pid);
}

/** The processes this one started (Redis servers, helpers), from /proc. */
function children(): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // pid (comm) state ppid ...: comm may hold spaces and parentheses, so read after the last ')'.
      const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (parent === process.pid) found.push(Number(entry));
    } catch {
      // Gone meanwhile.
    }
  }
  return found;
}

/**
 * Every CPU again, for the runner and what it started (Redis): for the measures that time
 * several processes talking to each other (invalidation latency), once no server is measured.
 */
export function releaseCpus(pinning: CpuPinning | undefined): void {
  if (pinning === undefined) return;
  const all = `0-${cpus().length - 1}`;
  for (const pid of [process.pid, ...children()]) {
    try {
      taskset(all, pid);
    } catch {
      // A process that ended meanwhile.
    }
  }
}
