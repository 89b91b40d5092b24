// Test support: the REPL in a real terminal. tmux runs the CLI on a pseudo-terminal of a fixed
// size; tests type into it (send-keys) and read the screen (capture-pane), polling for what they
// expect instead of sleeping a fixed time, so a loaded machine only makes them slower.
import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { CLI } from './cli-process.test-util.js';

const run = promisify(execFile);

/** Whether tmux is installed (`.ci/run` installs it on CI). */
export function hasTmux(): boolean {
  try {
    execFileSync('tmux', ['-V'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

let sessions = 0;

function quote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

export class Terminal {
  private constructor(private readonly socket: string) {}

  /** Starts `nemesisdb-cli ...args` in a new tmux server of its own (isolated from any other). */
  static async start(args: readonly string[], env: Record<string, string> = {}): Promise<Terminal> {
    const socket = `nemesisdb-cli-test-${process.pid}-${++sessions}`;
    const vars = Object.entries({ TERM: 'xterm-256color', ...env }).map(([k, v]) => `${k}=${quote(v)}`);
    const command = `env ${vars.join(' ')} ${quote(process.execPath)} ${quote(CLI)} ${args.map(quote).join(' ')}; echo "[exit $?]"; sleep 600`;
    await run('tmux', ['-L', socket, '-f', '/dev/null', 'new-session', '-d', '-s', 'cli', '-x', '150', '-y', '50', command]);
    return new Terminal(socket);
  }

  /** Types text as is (no key names). */
  async type(text: string): Promise<void> {
    await run('tmux', ['-L', this.socket, 'send-keys', '-t', 'cli', '-l', text]);
  }

  /** Presses keys by name: `Enter`, `Tab`, `C-c`, `C-d`, `Up`. */
  async press(...keys: string[]): Promise<void> {
    await run('tmux', ['-L', this.socket, 'send-keys', '-t', 'cli', ...keys]);
  }

  /** Types a line and presses Enter. */
  async line(text: string): Promise<void> {
    await this.type(text);
    await this.press('Enter');
  }

  /** Types a line and presses Enter, then waits until the screen shows `expected` (see waitFor). */
  async answer(text: string, expected: string | RegExp, options: { from?: number; timeoutMs?: number } = {}): Promise<string> {
    await this.line(text);
    return this.waitFor(expected, options);
  }

  /** The screen and its scrollback, as text (`escapes`: with colour codes). */
  async screen(escapes = false): Promise<string> {
    const { stdout } = await run('tmux', [
      '-L',
      this.socket,
      'capture-pane',
      '-p',
      '-J',
      ...(escapes ? ['-e'] : []),
      '-S',
      '-2000',
      '-t',
      'cli',
    ]);
    return stdout;
  }

  /**
   * Waits until the screen (after `from` characters of it, to look only at what came since)
   * matches; fails with the screen's content after `timeoutMs`.
   */
  async waitFor(expected: string | RegExp, options: { from?: number; timeoutMs?: number } = {}): Promise<string> {
    const deadline = Date.now() + (options.timeoutMs ?? 20_000);
    let screen = '';
    for (;;) {
      screen = await this.screen();
      const tail = screen.slice(options.from ?? 0);
      if (typeof expected === 'string' ? tail.includes(expected) : expected.test(tail)) return screen;
      if (Date.now() > deadline) throw new Error(`the terminal never showed ${String(expected)}; it shows:\n${screen}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  /** How much text the screen holds now: pass as `from` to wait for what comes next. */
  async mark(): Promise<number> {
    return (await this.screen()).trimEnd().length;
  }

  async close(): Promise<void> {
    await run('tmux', ['-L', this.socket, 'kill-server']).catch(() => {});
  }
}
