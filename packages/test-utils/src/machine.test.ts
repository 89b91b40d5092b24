import { cpus, release } from 'node:os';
import { describe, expect, it } from 'vitest';
import { benchMachine } from './machine.js';

describe('benchMachine', () => {
  it('names the cores, the CPU model, the kernel, Node and the time in UTC', () => {
    const line = benchMachine();
    expect(line.startsWith(`${cpus().length} × `)).toBe(true);
    expect(line).toContain(release());
    expect(line).toContain(`Node ${process.version}`);
    expect(line).toMatch(/, \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC$/);
  });
});
