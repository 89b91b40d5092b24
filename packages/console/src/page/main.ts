// The NemesisDB console page.
//
// Plain TypeScript modules, bundled by tsup (esbuild) into one ES module with the SDK
// (@nemesisdb/client/browser) and the protocol's codec inside. No framework: three panels and a
// dozen event handlers are clearer written against the DOM directly than through a framework's
// runtime, build plugins and upgrade cycle, and the page stays one small file that works as built.
// Everything the page shows comes from the server and is written with textContent, never as HTML.
//
// Two WebSockets to the server that served the page: the compose box's own (raw-wire.ts: text
// out as typed, replies shown as received) and the SDK client's (the session inspector).

import './jitless.js'; // first: before the protocol's schemas are built
import { NemesisClient } from '@nemesisdb/client/browser';
import { decode } from '@nemesisdb/protocol';
import { commandOf, formatDuration, isTokenText, jsonProblem, pretty, readJson, summarize } from './format.js';
import { Inspector } from './inspector.js';
import { RawWire } from './raw-wire.js';
import { SNIPPETS } from './snippets.js';

function element<T extends HTMLElement = HTMLElement>(id: string): T {
  const found = document.getElementById(id);
  if (found === null) throw new Error(`the page has no #${id}`);
  return found as T;
}

const ui = {
  connection: element<HTMLFormElement>('connection'),
  connectionStatus: element('connection-status'),
  tokenGroup: element('token-group'),
  bearer: element<HTMLInputElement>('bearer'),
  connect: element<HTMLButtonElement>('connect'),
  snippets: element('snippets'),
  compose: element<HTMLTextAreaElement>('compose'),
  composeForm: element<HTMLFormElement>('compose-form'),
  composeNote: element('compose-note'),
  format: element<HTMLButtonElement>('format'),
  lastToken: element<HTMLOutputElement>('last-token'),
  insertToken: element<HTMLButtonElement>('insert-token'),
  inspectLast: element<HTMLButtonElement>('inspect-last'),
  replies: element<HTMLOListElement>('replies'),
  clear: element<HTMLButtonElement>('clear'),
  inspectForm: element<HTMLFormElement>('inspect-form'),
  inspectToken: element<HTMLInputElement>('inspect-token'),
  inspector: element('inspector'),
};

/** At most this many replies are kept on the page (the oldest go first). */
const MAX_REPLIES = 100;
const LAST_TOKEN_KEY = 'nemesisdb-console.last-token';

/** The server that served the page, as a WebSocket URL (its path too, for a console behind a proxy). */
function serverUrl(): string {
  const url = new URL('./', location.href);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  url.search = '';
  url.hash = '';
  return url.toString();
}

// ---- connection ----------------------------------------------------------------------------

const wire = new RawWire();
let db: NemesisClient | undefined;
/** The bearer token in use (never stored: typed again after a reload). */
let bearer: string | undefined;

type ConnectionState = 'connecting' | 'open' | 'closed' | 'token';

function setConnection(state: ConnectionState, text: string): void {
  document.body.dataset.connection = state;
  ui.connectionStatus.textContent = text;
  ui.connect.hidden = state === 'open' || state === 'connecting';
  ui.connect.disabled = state === 'connecting';
}

function askForToken(text: string): void {
  ui.tokenGroup.hidden = false;
  setConnection('token', text);
  ui.bearer.focus();
}

/**
 * Whether the server wants a token, and whether `token` is it. A browser cannot see why a
 * WebSocket upgrade failed (401 and a dead server look the same), but `GET /health` tells: it
 * reports the database's sizes only to requests that carry an accepted token, or when the server
 * needs none.
 */
async function tokenCheck(token: string | undefined): Promise<'accepted' | 'refused' | 'unknown'> {
  try {
    const response = await fetch(new URL('health', location.href), {
      cache: 'no-store',
      headers: token === undefined ? {} : { authorization: `Bearer ${token}` },
    });
    if (!response.ok) return 'unknown';
    const health = decode(await response.text());
    if (typeof health !== 'object' || health === null || Array.isArray(health)) return 'unknown';
    return typeof health.sessions === 'number' ? 'accepted' : 'refused';
  } catch {
    return 'unknown';
  }
}

let connecting: Promise<void> | undefined;

/** Opens both connections (closing any previous ones), with the bearer token if one is given. */
function connect(token: string | undefined): Promise<void> {
  connecting ??= (async () => {
    const url = serverUrl();
    setConnection('connecting', `Connecting to ${url}…`);
    const check = await tokenCheck(token);
    if (check === 'refused') {
      askForToken(token === undefined ? 'This server requires a token: enter it to connect.' : 'The server refused this token.');
      return;
    }
    const previous = db;
    db = undefined;
    void previous?.close({ force: true });
    try {
      const rawUrl = new URL(url);
      if (token !== undefined) rawUrl.searchParams.set('token', token);
      await wire.connect(rawUrl.toString());
      db = await NemesisClient.connect(url, { token });
    } catch {
      wire.close();
      ui.tokenGroup.hidden = false;
      setConnection('closed', `Could not connect to ${url}. Is the server running? If it requires a token, enter it.`);
      return;
    }
    bearer = token;
    setConnection('open', `Connected to ${url}${token === undefined ? '' : ' with a token'}.`);
    if (token === undefined) ui.tokenGroup.hidden = true;
    void inspector.refresh();
  })().finally(() => {
    connecting = undefined;
  });
  return connecting;
}

wire.onClose = (code) => {
  const previous = db;
  db = undefined;
  void previous?.close({ force: true });
  setConnection('closed', `Disconnected (close code ${code}).`);
};

ui.connection.addEventListener('submit', (event) => {
  event.preventDefault();
  const typed = ui.bearer.value.trim();
  void connect(typed === '' ? undefined : typed);
});

// ---- compose and replies -------------------------------------------------------------------

function part(tag: string, className: string, text: string): HTMLElement {
  const node = document.createElement(tag);
  node.className = className;
  node.textContent = text;
  return node;
}

function labelled(label: string, text: string, className: string): HTMLElement {
  const block = document.createElement('div');
  block.className = `block ${className}`;
  block.append(part('h3', 'label', label), part('pre', 'json', text));
  return block;
}

/** Adds a reply entry (newest first) showing the request; returns a function that fills in the outcome. */
function addEntry(request: string): (outcome: { reply?: string; ms?: number; failure?: string }) => void {
  const item = document.createElement('li');
  item.className = 'entry';
  item.dataset.state = 'waiting';
  const command = commandOf(request);
  const head = document.createElement('p');
  head.className = 'head';
  const name = part('strong', 'command', command ?? '(not a command)');
  const status = part('span', 'status', 'waiting…');
  const time = part('span', 'time', '');
  head.append(name, ' ', status, ' ', time);
  const problem = jsonProblem(request);
  item.append(head, labelled('Request', request, 'request'));
  if (problem !== undefined) item.append(part('p', 'note', `Not valid JSON (${problem}); sent as typed.`));
  ui.replies.prepend(item);
  while (ui.replies.children.length > MAX_REPLIES) ui.replies.lastElementChild?.remove();

  return ({ reply, ms, failure }) => {
    if (reply === undefined) {
      item.dataset.state = 'failed';
      status.textContent = failure ?? 'no reply';
      return;
    }
    const summary = summarize(reply);
    item.dataset.state = summary.ok ? 'ok' : 'error';
    if (summary.envelope !== undefined) item.dataset.envelope = summary.envelope;
    if (summary.status !== undefined) item.dataset.st = String(summary.status);
    name.textContent = summary.envelope ?? command ?? '(reply)';
    status.textContent =
      summary.status === undefined ? 'no status' : `${summary.status} ${summary.statusName ?? '(unknown status)'}`;
    if (summary.meaning !== undefined) status.title = summary.meaning;
    time.textContent = ms === undefined ? '' : formatDuration(ms);
    item.append(labelled('Response', summary.text, 'response'));
    if (summary.newToken !== undefined) rememberToken(summary.newToken, true);
  };
}

async function send(): Promise<void> {
  const text = ui.compose.value;
  if (text.trim() === '') {
    ui.composeNote.textContent = 'Type a command first, or pick one above.';
    ui.compose.focus();
    return;
  }
  ui.composeNote.textContent = '';
  if (!wire.open) await connect(bearer);
  if (!wire.open) {
    ui.composeNote.textContent = 'Not connected: nothing was sent.';
    return;
  }
  const finish = addEntry(text);
  try {
    const { text: reply, ms } = await wire.send(text);
    finish({ reply, ms });
  } catch (error) {
    finish({ failure: error instanceof Error ? error.message : String(error) });
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

ui.compose.addEventListener('keydown', (event) => {
  if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
    event.preventDefault();
    void send();
  }
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

ui.clear.addEventListener('click', () => ui.replies.replaceChildren());

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
    ui.compose.focus();
  });
  ui.snippets.append(button);
}

/** Remembers a session token (exact digits) for the snippets and the insert button. */
function rememberToken(token: string, inspect: boolean): void {
  lastToken = token;
  ui.lastToken.textContent = token;
  ui.insertToken.disabled = false;
  ui.inspectLast.disabled = false;
  try {
    sessionStorage.setItem(LAST_TOKEN_KEY, token);
  } catch {
    // storage unavailable (private mode): remembered for this page only
  }
  if (inspect) {
    ui.inspectToken.value = token;
    void inspector.inspect(token);
  }
}

ui.insertToken.addEventListener('click', () => {
  if (lastToken === undefined) return;
  const { compose } = ui;
  compose.setRangeText(lastToken, compose.selectionStart, compose.selectionEnd, 'end');
  compose.focus();
});

ui.inspectLast.addEventListener('click', () => {
  if (lastToken === undefined) return;
  ui.inspectToken.value = lastToken;
  void inspector.inspect(lastToken);
});

// ---- inspector -----------------------------------------------------------------------------

const inspector = new Inspector(
  {
    token: element('inspect-current'),
    status: element('inspect-status'),
    countdown: element('countdown'),
    settings: element('expiry-settings'),
    keys: element<HTMLTableSectionElement>('inspect-keys'),
    panel: ui.inspector,
  },
  () => db,
);

ui.inspectForm.addEventListener('submit', (event) => {
  event.preventDefault();
  void inspector.inspect(ui.inspectToken.value.trim());
});

// ---- start ---------------------------------------------------------------------------------

try {
  const stored = sessionStorage.getItem(LAST_TOKEN_KEY);
  if (stored !== null && isTokenText(stored)) rememberToken(stored, false);
} catch {
  // storage unavailable
}
void connect(undefined);
