import { cpus, release, type } from 'node:os';

/**
 * The machine and moment a bench's figures were taken on, for its header: CPU model and count,
 * kernel, Node, UTC time. Figures from a noisy 2-core VM and from a quiet workstation differ by
 * more than most changes, so a table must say where it came from.
 */
export function benchMachine(): string {
  const cores = cpus();
  const model = cores[0]?.model.trim() || 'unknown CPU';
  const when = new Date().toISOString().slice(0, 16).replace('T', ' ');
  return `${cores.length} × ${model}, ${type()} ${release()}, Node ${process.version}, ${when} UTC`;
}
