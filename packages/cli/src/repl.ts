import { createInterface, type Interface } from 'node:readline';
import { shortAddress, type ConnectionSettings } from './connection.js';
import { complete } from './completer.js';
import { ExitCode, noReplyExitCode } from './exit-codes.js';
import { helpFor, helpIndex } from './help.js';
import { HISTORY_SIZE, oneLine, type HistoryFile } from './history.js';
import { parseInput } from './input.js';
import { complain, type Output } from './output.js';
import { prettyJson } from './pretty.js';
import { ReplConnection } from './repl-connection.js';
import { describeReply, readReply, statusLabel } from './reply.js';
import { TokenBook } from './tokens.js';

/*
 * The interactive client, on node:readline (line editing, Tab, history, Ctrl-R come from Node).
 * With a terminal on both ends it prompts and keeps history; with input from a pipe or file it
 * reads the same commands one line at a time without a prompt (`nemesisdb-cli < script.txt`).
 */

export interface ReplOptions {
  raw: boolean;
  failOnStatus: boolean;
  input: NodeJS.ReadableStream & { isTTY?: boolean };
  history: HistoryFile;
}

export async function runRepl(settings: ConnectionSettings, options: ReplOptions, output: Output): Promise<number> {
  const { c } = output;
  const interactive = options.input.isTTY === true && output.out.isTTY === true;
  const tokens = new TokenBook();
  const address = shortAddress(settings.url);
  let exitCode: number = ExitCode.Ok;
  // Created once connected (readline starts reading at once); the notices below may come first.
  const ui: { rl?: Interface } = {};
  let busy = false;
  /** Aborted by Ctrl-C while a reply is awaited. */
  let waiting: AbortController | undefined;

  const promptText = () => (connection.connected ? `${address}> ` : `${address} (not connected)> `);
  /** A message from the connection while the user may be typing: print it above the prompt. */
  const notice = (message: string) => {
    const { rl } = ui;
    if (!interactive || rl === undefined) {
      output.err.write(`${message}\n`);
      return;
    }
    output.out.write(`\r\x1b[K${message}\n`);
    rl.setPrompt(pending.length > 0 ? '... ' : promptText());
    if (!busy) rl.prompt(true);
  };
  const connection = new ReplConnection(settings, {
    lost: (message) => notice(c.yellow(message)),
    back: (message) => notice(c.green(message)),
  });

  const failure = await connection.open();
  if (failure !== undefined) {
    complain(output, `${failure}${interactive ? ' — commands will try again' : ''}`);
    if (!interactive) return ExitCode.Unreachable;
  } else if (interactive) {
    output.out.write(c.dim(`connected to ${settings.url} — \`help\` for commands, Tab to complete, Ctrl-D to leave\n`));
  }

  const rl = createInterface({
    input: options.input,
    output: interactive ? output.out : undefined,
    terminal: interactive,
    completer: interactive ? complete : undefined,
    history: interactive ? options.history.load() : [],
    historySize: HISTORY_SIZE,
    removeHistoryDuplicates: true,
    crlfDelay: Infinity,
  });
  ui.rl = rl;
  const history = (rl as unknown as { history: string[] }).history;

  /** Lines of an entry still being typed (braces open). */
  let pending: string[] = [];
  const print = (text: string) => output.out.write(`${text}\n`);

  async function execute(entry: string): Promise<void> {
    const text = entry.trim();
    const word = text.split(/\s+/)[0]!.toLowerCase();
    if (word === 'exit' || word === 'quit') {
      rl.close();
      return;
    }
    if (word === 'help' || word === '?') {
      const topic = text.split(/\s+/)[1];
      print(topic === undefined ? helpIndex(c) : helpFor(topic, c));
      return;
    }
    if (text === 'tokens') {
      const list = tokens.list();
      print(
        list.length === 0
          ? c.dim('no tokens yet')
          : list.map(({ index, token, last }) => `$${index}${last ? ' $tkn' : ''}  ${token}`).join('\n'),
      );
      return;
    }
    if (text === 'clear') {
      if (interactive) output.out.write('\x1b[2J\x1b[H');
      return;
    }
    const parsed = parseInput(text, tokens);
    if (parsed.kind === 'empty') return;
    if (parsed.kind !== 'request') {
      complain(output, parsed.kind === 'incomplete' ? 'incomplete request' : parsed.message);
      if (!interactive) exitCode = ExitCode.Usage;
      return;
    }
    let replyText: string;
    waiting = new AbortController();
    try {
      replyText = await connection.send(parsed.text, waiting.signal);
    } catch (error) {
      complain(output, (error as Error).message);
      if (!interactive) exitCode = noReplyExitCode(error);
      return;
    } finally {
      waiting = undefined;
    }
    const reply = readReply(replyText);
    const index = reply.token === undefined ? undefined : tokens.record(reply.token).index;
    if (options.raw) print(replyText);
    else if (output.out.isTTY) print(describeReply(reply, c, index));
    else print(reply.value === undefined ? replyText : prettyJson(reply.value, c));
    if (!reply.success && options.failOnStatus && !interactive) {
      complain(output, `${parsed.command ?? 'the request'} answered ${statusLabel(reply.st)}`);
      exitCode = ExitCode.Failed;
    }
  }

  // Lines are handled one at a time, in order, even when pasted faster than replies come.
  let chain = Promise.resolve();
  rl.on('line', (line) => {
    pending.push(line);
    const entry = pending.join('\n');
    if (parseInput(entry, tokens, true).kind === 'incomplete') {
      rl.setPrompt('... ');
      if (interactive) rl.prompt();
      return;
    }
    const lines = pending;
    pending = [];
    if (interactive && lines.length > 1) {
      // readline recorded each line; keep the entry as one.
      for (let i = lines.length - 1; i >= 0 && history[0] === lines[i]; i--) history.shift();
      history.unshift(oneLine(entry));
    }
    if (interactive && entry.trim() !== '') options.history.append(entry);
    chain = chain.then(async () => {
      busy = true;
      try {
        await execute(entry);
      } catch (error) {
        // Never a stack trace: whatever went wrong is one line.
        complain(output, (error as Error).message);
      }
      busy = false;
      rl.setPrompt(promptText());
      if (interactive && !closed) rl.prompt();
    });
  });

  let closed = false;
  rl.on('SIGINT', () => {
    // Ctrl-C stops waiting for a reply; drops what is being typed; on an empty line it leaves.
    if (waiting !== undefined) {
      waiting.abort();
      return;
    }
    if (pending.length > 0 || rl.line !== '') {
      pending = [];
      rl.write(null, { ctrl: true, name: 'e' });
      rl.write(null, { ctrl: true, name: 'u' });
      output.out.write('^C\n');
      rl.setPrompt(promptText());
      rl.prompt();
      return;
    }
    rl.close();
  });

  const done = new Promise<void>((resolve) => rl.once('close', resolve));
  rl.setPrompt(promptText());
  if (interactive) rl.prompt();
  await done;
  closed = true;
  await chain;
  if (pending.length > 0 && !interactive) {
    complain(output, 'the input ended inside a request: a { or [ is not closed');
    exitCode = ExitCode.Usage;
  }
  if (interactive) output.out.write('\n');
  await connection.close();
  return exitCode;
}
