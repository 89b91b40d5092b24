import { readFileSync } from 'node:fs';

/** Linux's USER_HZ: the unit of the CPU times in /proc/PID/stat. */
const CLK_TCK = 100;

/** CPU seconds a process has used so far in user space and in the kernel (all threads), from /proc/PID/stat (Linux). */
export function cpuTimes(pid: number): { user: number; system: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name, which is in parentheses and may hold spaces.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return { user: Number(fields[11]) / CLK_TCK, system: Number(fields[12]) / CLK_TCK };
}

/**
 * CPU seconds (user + system, all threads) a process has used so far, from /proc/PID/stat (Linux):
 * how the benches compare servers whose load generator shares the machine.
 */
export function cpuSeconds(pid: number): number {
  const { user, system } = cpuTimes(pid);
  return user + system;
}
