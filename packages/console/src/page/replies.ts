// The log of requests and replies: one compact entry each — clock time, the command (a link to its
// docs), the status and its meaning, the round trip — with the request as typed and the reply as
// a foldable tree (or raw text), copy buttons, and the reason for an error spelled out: which
// parameter a 26 or 41 is about, where a JSON error is (line and column). Bounded: the oldest go,
// and the list says so.

import COMMAND_PARAMETERS from 'virtual:command-parameters';
import { docsPath, parameterProblem } from './command-docs.js';
import { copyText } from './copy.js';
import { clockTime, commandOf, formatDuration, jsonProblem, readJson, summarize, type ReplySummary } from './format.js';
import type { LoggedEntry } from './history.js';
import { jsonTree, setAllFolds } from './json-view.js';

function part<K extends keyof HTMLElementTagNameMap>(tag: K, className: string, text = ''): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  node.className = className;
  node.textContent = text;
  return node;
}

function button(label: string, title: string, onClick: (button: HTMLButtonElement) => void): HTMLButtonElement {
  const node = part('button', 'tool', label);
  node.type = 'button';
  node.title = title;
  node.setAttribute('aria-label', title);
  node.addEventListener('click', () => onClick(node));
  return node;
}

/** A copy button: copies `text()` and says so on the button for a moment. */
export function copyButton(label: string, title: string, text: () => string | undefined): HTMLButtonElement {
  return button(label, title, (node) => {
    const value = text();
    if (value === undefined) return;
    void copyText(value).then((ok) => {
      node.textContent = ok ? 'Copied' : 'Copy failed';
      node.dataset.copied = String(ok);
      setTimeout(() => {
        node.textContent = label;
        delete node.dataset.copied;
      }, 1500);
    });
  });
}

/** The explanation under a reply: the status's meaning, what the server named, what the docs say. */
export function explain(summary: ReplySummary, request: string): string {
  const parts: string[] = [];
  if (summary.status !== undefined) {
    parts.push(summary.meaning === undefined ? 'A status no v0.7.4 server sends.' : `${capitalise(summary.meaning)}.`);
  }
  if (!summary.ok) {
    const problem = summary.status === undefined ? undefined : parameterProblem(COMMAND_PARAMETERS, readJson(request), summary.status);
    if (problem !== undefined && problem.missing.length > 0) {
      parts.push(`Missing: ${problem.missing.map((name) => `"${name}"`).join(', ')} (required by ${problem.command}).`);
    } else if (problem !== undefined && problem.wrongType.length > 0) {
      parts.push(`Wrong type: ${problem.wrongType.map(({ name, type }) => `"${name}" must be ${withArticle(type)}`).join('; ')}.`);
    }
    if (summary.message !== undefined) parts.push(`The server says: “${summary.message}”.`);
    const where = jsonProblem(request);
    if (where !== undefined) parts.push(`At ${where}.`);
  }
  return parts.join(' ');
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function withArticle(type: string): string {
  return /^[aeiou]/i.test(type) ? `an ${type}` : `a ${type}`;
}

/** The DOM of one entry, filled in once its reply comes. */
export class EntryView {
  readonly element = part('li', 'entry');
  private readonly status = part('span', 'status', 'waiting…');
  private readonly meaning = part('span', 'meaning');
  private readonly rtt = part('span', 'rtt');
  private readonly tools = part('span', 'tools');
  private readonly body = part('div', 'response');
  private readonly explanation = part('p', 'explain');
  private reply: string | undefined;
  private summary: ReplySummary | undefined;
  private raw = false;

  constructor(
    readonly entry: LoggedEntry,
    reuse: (request: string) => void,
  ) {
    const { element } = this;
    element.dataset.state = 'waiting';
    element.dataset.id = String(entry.id);
    const command = commandOf(entry.request);
    const head = part('div', 'head');
    const time = part('time', 'clock', clockTime(entry.at));
    time.dateTime = new Date(entry.at).toISOString();
    const name = command === undefined ? part('strong', 'command', '(not a command)') : this.docsLink(command);
    this.rtt.title = 'Round trip: from handing the request to the WebSocket to its reply’s message event, timed off the page’s main thread';
    this.tools.append(
      copyButton('Copy request', 'Copy the request', () => entry.request),
      copyButton('Copy reply', 'Copy the reply as received', () => this.reply),
      button('Raw', 'Show the reply as received (raw) or as a tree (pretty)', (node) => this.toggleRaw(node)),
      button('Reuse', 'Put this request in the compose box', () => reuse(entry.request)),
    );
    head.append(time, name, this.status, this.meaning, this.rtt, this.tools);
    const request = part('pre', 'request', entry.request);
    request.title = 'The request, exactly as sent';
    element.append(head, request);
    element.append(this.explanation, this.body);
    if (entry.reply !== undefined || entry.failure !== undefined) this.settle(entry);
  }

  private docsLink(command: string): HTMLAnchorElement {
    const link = part('a', 'command', command);
    link.href = docsPath(command);
    link.target = '_blank';
    link.rel = 'noopener';
    link.title = `${command}: its documentation (parameters, statuses, examples)`;
    return link;
  }

  /** Shows what came back. */
  settle({ reply, ms, failure }: { reply?: string; ms?: number; failure?: string }): void {
    const { element } = this;
    if (reply === undefined) {
      element.dataset.state = 'failed';
      this.status.textContent = failure ?? 'no reply';
      return;
    }
    this.reply = reply;
    const summary = summarize(reply);
    this.summary = summary;
    element.dataset.state = summary.ok ? 'ok' : 'error';
    if (summary.envelope !== undefined) element.dataset.envelope = summary.envelope;
    if (summary.status !== undefined) element.dataset.st = String(summary.status);
    this.status.textContent = summary.status === undefined ? 'no status' : `${summary.status} ${summary.statusName ?? '(unknown status)'}`;
    this.rtt.textContent = ms === undefined ? '' : `⇄ ${formatDuration(ms)}`;
    // Success says what it means in the head; a failure explains itself on a line of its own.
    if (summary.ok) this.meaning.textContent = summary.meaning ?? '';
    else this.explanation.textContent = explain(summary, this.entry.request);
    this.render();
  }

  /** The text searched by the filter. */
  get searchText(): string {
    return `${this.entry.request}\n${this.reply ?? ''}\n${this.status.textContent ?? ''}`.toLowerCase();
  }

  private toggleRaw(node: HTMLButtonElement): void {
    this.raw = !this.raw;
    node.textContent = this.raw ? 'Pretty' : 'Raw';
    node.setAttribute('aria-pressed', String(this.raw));
    this.render();
  }

  private render(): void {
    if (this.reply === undefined || this.summary === undefined) return;
    const { value } = this.summary;
    if (this.raw || value === undefined) {
      this.body.replaceChildren(part('pre', 'raw', this.reply));
      return;
    }
    const tree = jsonTree(value);
    this.body.replaceChildren(tree);
  }

  /** Unfolds or folds every container of the reply. */
  foldAll(open: boolean): void {
    const tree = this.body.querySelector<HTMLElement>('.j-tree');
    if (tree !== null) setAllFolds(tree, open);
  }
}
