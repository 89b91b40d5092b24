// The NemesisDB console page.
//
// Plain TypeScript modules, bundled by tsup (esbuild) into one ES module with the protocol's codec
// (`@nemesisdb/protocol/codec`) and the SDK's wire layer (`@nemesisdb/client/wire`) inside — no
// zod, no schemas: the page shows the wire, it does not validate it. No framework: a few panels
// and handlers are clearer written against the DOM directly than through a framework's runtime,
// build plugins and upgrade cycle. Everything the page shows comes from the server and is written
// with textContent, never as HTML. The server view's charts (uPlot) are a chunk loaded on demand.

import { Connection, type ConnectionChange } from './connection.js';
import { isTokenText, jsonProblem, pretty, readJson, summarize } from './format.js';
import { elements } from './elements.js';
import { CommandHistory, MAX_ENTRIES, ReplyLog, type LoggedEntry } from './history.js';
import { Inspector, type Deadline } from './inspector.js';
import { StatusError, call } from './reads.js';
import { EntryView, copyButton } from './replies.js';
import { ServerView } from './server-view.js';
import { SNIPPETS } from './snippets.js';

const ui = elements({
  HTMLElement: [
    'connection-status',
    'token-group',
    'snippets',
    'compose-check',
    'compose-note',
    'replies-notice',
    'inspector',
    'inspect-current',
    'inspect-status',
    'countdown',
    'expiry-settings',
    'server',
    'server-facts',
    'charts',
    'server-note',
  ],
  HTMLButtonElement: ['connect', 'server-toggle', 'format', 'copy-token', 'insert-token', 'inspect-last', 'unfold', 'clear'],
  HTMLFormElement: ['connection', 'compose-form', 'inspect-form'],
  HTMLInputElement: ['bearer', 'inspect-token', 'filter'],
  HTMLOListElement: ['replies'],
  HTMLOutputElement: ['last-token'],
  HTMLTableSectionElement: ['inspect-keys'],
  HTMLTextAreaElement: ['compose'],
});

const LAST_TOKEN_KEY = 'nemesisdb-console.last-token';
const SERVER_VIEW_KEY = 'nemesisdb-console.server-view';

// ---- connection ----------------------------------------------------------------------------

const connection = new Connection(onConnection);

function onConnection(change: ConnectionChange): void {
  document.body.dataset.connection = change.state;
  ui.connectionStatus.textContent = change.text;
  // The token field only when the server asked for one.
  ui.tokenGroup.hidden = change.state !== 'token';
  ui.connect.hidden = change.state === 'open' || change.state === 'connecting';
  ui.connect.textContent = change.state === 'token' ? 'Connect' : 'Retry now';
  if (change.state === 'token') ui.bearer.focus();
  if (change.state === 'reconnecting' || change.state === 'token') inspector.pause();
  if (change.state === 'open' && change.reconnected === true) void afterReconnect();
}

/** The server may have restarted: what the page remembers is checked again, not trusted. */
async function afterReconnect(): Promise<void> {
  serverView.reconnected();
  const token = lastToken;
  if (token !== undefined && token !== inspector.current) {
    try {
      await call(connection.reads, 'SH_INFO', `{"tkn":${token}}`);
    } catch (error) {
      if (error instanceof StatusError && error.status === 100) forgetToken(token);
    }
  }
  await inspector.refresh();
  if (token !== undefined && token === inspector.current && inspector.state === 'gone') forgetToken(token);
}

ui.connection.addEventListener('submit', (event) => {
  event.preventDefault();
  const typed = ui.bearer.value.trim();
  void connection.connect(ui.tokenGroup.hidden ? connection.bearer : typed === '' ? undefined : typed);
});

// ---- replies -------------------------------------------------------------------------------

const commands = new CommandHistory();
const log = new ReplyLog();
const views = new Map<number, EntryView>();

function reuse(request: string): void {
  ui.compose.value = request;
  checkCompose();
  ui.compose.focus();
}

function showEntry(entry: LoggedEntry): EntryView {
  const view = new EntryView(entry, reuse);
  views.set(entry.id, view);
  ui.replies.prepend(view.element);
  applyFilter(view);
  return view;
}

function dropEntries(ids: readonly number[]): void {
  for (const id of ids) {
    views.get(id)?.element.remove();
    views.delete(id);
  }
  if (log.dropped > 0) {
    ui.repliesNotice.hidden = false;
    ui.repliesNotice.textContent = `Showing the latest ${MAX_ENTRIES}: ${log.dropped} older ${log.dropped === 1 ? 'entry was' : 'entries were'} dropped.`;
  }
}

function applyFilter(view: EntryView): void {
  const query = ui.filter.value.trim().toLowerCase();
  view.element.hidden = query !== '' && !view.searchText.includes(query);
}

ui.filter.addEventListener('input', () => {
  for (const view of views.values()) applyFilter(view);
});

let unfolded = false;
ui.unfold.addEventListener('click', () => {
  unfolded = !unfolded;
  for (const view of views.values()) view.foldAll(unfolded);
  ui.unfold.textContent = unfolded ? 'Fold all' : 'Unfold all';
});

ui.clear.addEventListener('click', () => {
  // Both kept histories go: the replies and the commands ↑/↓ recall (they may hold sensitive values).
  log.clear();
  commands.clear();
  views.clear();
  ui.replies.replaceChildren();
  ui.repliesNotice.hidden = true;
});

// ---- compose -------------------------------------------------------------------------------

/** The SH_NEW just sent, with its send and reply times: the new session's deadline, if it expires. */
function createdDeadline(request: string, sentAt: number, answeredAt: number): Deadline | undefined {
  const value = readJson(request);
  const duration = (value as { SH_NEW?: { expiry?: { duration?: unknown } } } | undefined)?.SH_NEW?.expiry?.duration;
  if (typeof duration !== 'number' || duration <= 0) return undefined;
  return { earliest: sentAt + duration * 1000, latest: answeredAt + duration * 1000 };
}

async function send(): Promise<void> {
  const text = ui.compose.value;
  if (text.trim() === '') {
    ui.composeNote.textContent = 'Type a command first, or pick one above.';
    ui.compose.focus();
    return;
  }
  ui.composeNote.textContent = '';
  if (!connection.compose.open) await connection.connect();
  if (!connection.compose.open) {
    ui.composeNote.textContent = 'Not connected: nothing was sent.';
    return;
  }
  const at = Date.now();
  const started = performance.now();
  // Sent first, and nothing drawn until the reply (or 100 ms without one): a page busy laying out
  // a new entry would read the reply a frame late, and the round trip shown must be the socket's.
  const pending = connection.compose.send(text);
  let view: EntryView | undefined;
  let entry: LoggedEntry | undefined;
  const show = () => {
    if (entry !== undefined) return;
    const added = log.add(text, at);
    entry = added.entry;
    view = showEntry(entry);
    dropEntries(added.dropped);
  };
  const slow = setTimeout(show, 100);
  let outcome: { reply?: string; ms?: number; failure?: string };
  try {
    const { text: reply, ms } = await pending;
    outcome = { reply, ms };
  } catch (error) {
    outcome = { failure: error instanceof Error ? error.message : String(error) };
  }
  clearTimeout(slow);
  commands.add(text);
  show();
  log.settle(entry!, outcome);
  view!.settle(outcome);
  if (outcome.reply === undefined) return;
  const summary = summarize(outcome.reply);
  if (summary.newToken !== undefined) {
    rememberToken(summary.newToken, createdDeadline(text, started, started + (outcome.ms ?? 0)));
    return;
  }
  // The inspected session may have changed: read it again when the command named it.
  const inspected = inspector.current;
  if (inspected !== undefined && (text.includes(inspected) || /SH_(END_ALL|LOAD)/.test(text))) void inspector.refresh();
}

ui.composeForm.addEventListener('submit', (event) => {
  event.preventDefault();
  void send();
});

/** Whether the caret is on the first (`up`) or last line of the compose box, with nothing selected. */
function caretAtEdge(up: boolean): boolean {
  const { compose } = ui;
  if (compose.selectionStart !== compose.selectionEnd) return false;
  const text = compose.value;
  return up ? !text.slice(0, compose.selectionStart).includes('\n') : !text.slice(compose.selectionEnd).includes('\n');
}

ui.compose.addEventListener('keydown', (event) => {
  if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
    event.preventDefault();
    void send();
    return;
  }
  // ↑ on the first line recalls the previous command, ↓ on the last line the next (as in a shell).
  if ((event.key === 'ArrowUp' || event.key === 'ArrowDown') && !event.shiftKey && !event.altKey && caretAtEdge(event.key === 'ArrowUp')) {
    const recalled = event.key === 'ArrowUp' ? commands.previous(ui.compose.value) : commands.next();
    if (recalled === undefined) return;
    event.preventDefault();
    ui.compose.value = recalled;
    const at = event.key === 'ArrowUp' ? 0 : recalled.length;
    ui.compose.setSelectionRange(at, at);
    checkCompose();
  }
});

/** Says, as one types, whether the text is JSON, and where it is not. */
function checkCompose(): void {
  const text = ui.compose.value;
  const problem = text.trim() === '' ? undefined : jsonProblem(text);
  ui.composeCheck.textContent = problem === undefined ? '' : `Not JSON yet — ${problem}. It is sent as typed.`;
}

let checkTimer: ReturnType<typeof setTimeout> | undefined;
ui.compose.addEventListener('input', () => {
  clearTimeout(checkTimer);
  checkTimer = setTimeout(checkCompose, 250);
});

ui.format.addEventListener('click', () => {
  const value = readJson(ui.compose.value);
  if (value === undefined) {
    ui.composeNote.textContent = `Not valid JSON: ${jsonProblem(ui.compose.value) ?? ''}`;
    return;
  }
  ui.compose.value = pretty(value);
  ui.composeNote.textContent = '';
});

// ---- snippets and the last token -----------------------------------------------------------

let lastToken: string | undefined;

for (const snippet of SNIPPETS) {
  const button = document.createElement('button');
  button.type = 'button';
  button.textContent = snippet.label;
  button.title = `Put ${snippet.label} in the compose box: ${snippet.description}`;
  button.addEventListener('click', () => {
    ui.compose.value = snippet.text(lastToken);
    ui.composeNote.textContent =
      snippet.needsToken && lastToken === undefined ? 'No session yet: the token is 0 until you create one (SH_NEW).' : '';
    checkCompose();
    ui.compose.focus();
  });
  ui.snippets.append(button);
}

/** Remembers a session token (exact digits) for the snippets and buttons, and inspects it when asked. */
function rememberToken(token: string, deadline?: Deadline, inspect = true): void {
  lastToken = token;
  ui.lastToken.textContent = token;
  ui.lastToken.title = '';
  for (const button of [ui.copyToken, ui.insertToken, ui.inspectLast]) button.disabled = false;
  try {
    sessionStorage.setItem(LAST_TOKEN_KEY, token);
  } catch {
    // storage unavailable (private mode): remembered for this page only
  }
  if (inspect) {
    ui.inspectToken.value = token;
    void inspector.inspect(token, deadline);
  }
}

/** The last session is gone (the server restarted, or it expired): the token is not offered again. */
function forgetToken(token: string): void {
  if (lastToken !== token) return;
  lastToken = undefined;
  ui.lastToken.textContent = 'none (the last session is gone)';
  ui.lastToken.title = `${token} no longer exists on the server`;
  for (const button of [ui.copyToken, ui.insertToken, ui.inspectLast]) button.disabled = true;
  try {
    sessionStorage.removeItem(LAST_TOKEN_KEY);
  } catch {
    // storage unavailable
  }
}

const copyToken = Object.assign(
  copyButton('Copy', 'Copy the last session token', () => lastToken),
  { id: 'copy-token', disabled: true },
);
ui.copyToken.replaceWith(copyToken);
ui.copyToken = copyToken;

ui.insertToken.addEventListener('click', () => {
  if (lastToken === undefined) return;
  const { compose } = ui;
  compose.setRangeText(lastToken, compose.selectionStart, compose.selectionEnd, 'end');
  compose.focus();
  checkCompose();
});

ui.inspectLast.addEventListener('click', () => {
  if (lastToken === undefined) return;
  ui.inspectToken.value = lastToken;
  void inspector.inspect(lastToken);
});

// ---- inspector and server view -------------------------------------------------------------

const inspector = new Inspector(
  {
    token: ui.inspectCurrent,
    status: ui.inspectStatus,
    countdown: ui.countdown,
    settings: ui.expirySettings,
    keys: ui.inspectKeys,
    panel: ui.inspector,
  },
  () => (connection.reads.open ? connection.reads : undefined),
);

ui.inspectForm.addEventListener('submit', (event) => {
  event.preventDefault();
  void inspector.inspect(ui.inspectToken.value.trim());
});

const serverView = new ServerView(ui.server, ui.serverFacts, ui.charts, ui.serverNote, connection);

function showServerView(open: boolean): void {
  ui.serverToggle.setAttribute('aria-expanded', String(open));
  document.body.dataset.serverView = String(open);
  if (open) serverView.open();
  else serverView.close();
  try {
    localStorage.setItem(SERVER_VIEW_KEY, String(open));
  } catch {
    // storage unavailable
  }
}

ui.serverToggle.addEventListener('click', () => showServerView(!serverView.isOpen));

// ---- start ---------------------------------------------------------------------------------

for (const entry of log.all) showEntry(entry);
try {
  const stored = sessionStorage.getItem(LAST_TOKEN_KEY);
  if (stored !== null && isTokenText(stored)) rememberToken(stored, undefined, false);
  if (localStorage.getItem(SERVER_VIEW_KEY) === 'true') showServerView(true);
} catch {
  // storage unavailable
}
void connection.connect().then(() => {
  // A token kept from before the reload may be of a session that is gone.
  if (connection.state.state === 'open' && lastToken !== undefined) void afterReconnect();
});
