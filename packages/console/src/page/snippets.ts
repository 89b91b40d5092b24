// The common commands, as the text the compose box receives. Pure (no DOM), tested in Node.
//
// Tokens are written as bare integer literals (v0.7.4 refuses quoted tokens), from the exact
// decimal digits the console remembers; before any session exists, `0` stands in for one (the
// server then answers 100, SessionNotExist, which says what is missing).

/** One snippet button. */
export interface Snippet {
  /** The button's text. */
  readonly label: string;
  /** What it inserts, for the button's title and screen readers. */
  readonly description: string;
  /** Whether the text needs a session token. */
  readonly needsToken: boolean;
  /** The command as indented JSON, with `token` (exact digits) where the command needs one. */
  text(token: string | undefined): string;
}

/** Writes a command as the tutorials do: indented, with `tkn` as a bare integer literal. */
function command(name: string, members: [string, string][]): string {
  if (members.length === 0) return `{\n  "${name}": {}\n}`;
  const body = members.map(([key, json]) => `    "${key}": ${json.replace(/\n/g, '\n    ')}`).join(',\n');
  return `{\n  "${name}": {\n${body}\n  }\n}`;
}

const tkn = (token: string | undefined): [string, string] => ['tkn', token ?? '0'];

export const SNIPPETS: readonly Snippet[] = [
  {
    label: 'SH_INFO_ALL',
    description: 'counts of all sessions and their keys',
    needsToken: false,
    text: () => command('SH_INFO_ALL', []),
  },
  {
    label: 'SH_NEW',
    description: 'a new session that never expires',
    needsToken: false,
    text: () => command('SH_NEW', []),
  },
  {
    label: 'SH_NEW with expiry',
    description: 'a new session deleted 60 seconds after it is created',
    needsToken: false,
    text: () => command('SH_NEW', [['expiry', '{\n  "duration": 60,\n  "deleteSession": true\n}']]),
  },
  {
    label: 'SH_SET',
    description: 'sets two keys in the last session',
    needsToken: true,
    text: (token) => command('SH_SET', [tkn(token), ['keys', '{\n  "forename": "Billy",\n  "surname": "Bob"\n}']]),
  },
  {
    label: 'SH_GET',
    description: 'gets those keys from the last session',
    needsToken: true,
    text: (token) => command('SH_GET', [tkn(token), ['keys', '["forename", "surname"]']]),
  },
  {
    label: 'SH_INFO',
    description: 'key count and expiry of the last session',
    needsToken: true,
    text: (token) => command('SH_INFO', [tkn(token)]),
  },
  {
    label: 'KV_SET',
    description: 'sets independent keys (outside sessions)',
    needsToken: false,
    text: () => command('KV_SET', [['keys', '{\n  "greeting": "hello",\n  "visits": 1\n}']]),
  },
  {
    label: 'KV_GET',
    description: 'gets those independent keys',
    needsToken: false,
    text: () => command('KV_GET', [['keys', '["greeting", "visits"]']]),
  },
];
