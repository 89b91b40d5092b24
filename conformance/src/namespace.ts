// KV key namespacing. KV keys live in one map shared by every client, so the runner gives each
// case its own prefix: key names in `json request` blocks are prefixed on the way out and the
// prefix is stripped from key names in replies. The docs keep natural names ("user") and a run
// never touches, nor is disturbed by, keys it did not write. Session maps are private to their
// token and need none of this.
import { isJsonObject, type ExactJsonObject, type ExactJsonValue } from '@nemesisdb/protocol';

type Rewrite = (name: string) => string;

// Where each KV command carries key names (docs/reference/protocol.md §10).
const OBJECT_KEYS = new Set(['KV_SET', 'KV_ADD', 'KV_CLEAR_SET']);
const ARRAY_KEYS = new Set(['KV_GET', 'KV_RMV', 'KV_CONTAINS', 'KV_FIND']);
const SINGLE_KEY = new Set(['KV_UPDATE', 'KV_ARR_APPEND']);

/** The request with its KV key names prefixed (a new value; the input is not changed). */
export function namespaceRequest(request: ExactJsonValue, prefix: string): ExactJsonValue {
  const add: Rewrite = (name) => prefix + name;
  return rewriteEnvelope(request, (command, body) => {
    const out: ExactJsonObject = { ...body };
    if (OBJECT_KEYS.has(command) && isJsonObject(body['keys'])) out['keys'] = renameMembers(body['keys'], add);
    if (ARRAY_KEYS.has(command) && Array.isArray(body['keys'])) out['keys'] = renameItems(body['keys'], add);
    if (SINGLE_KEY.has(command) && typeof body['key'] === 'string') out['key'] = add(body['key']);
    return out;
  });
}

/** The reply with the prefix removed from KV key names that carry it (others are left as sent). */
export function stripNamespace(reply: ExactJsonValue, prefix: string): ExactJsonValue {
  const strip: Rewrite = (name) => (name.startsWith(prefix) ? name.slice(prefix.length) : name);
  return rewriteEnvelope(reply, (name, body) => {
    const out: ExactJsonObject = { ...body };
    if (name === 'KV_GET_RSP' && isJsonObject(body['keys'])) out['keys'] = renameMembers(body['keys'], strip);
    if ((name === 'KV_KEYS_RSP' || name === 'KV_FIND_RSP') && Array.isArray(body['keys'])) out['keys'] = renameItems(body['keys'], strip);
    if (name === 'KV_FIND_RSP' && isJsonObject(body['keys'])) out['keys'] = renameMembers(body['keys'], strip);
    if (name === 'KV_CONTAINS_RSP' && Array.isArray(body['contains'])) out['contains'] = renameItems(body['contains'], strip);
    return out;
  });
}

/** Whether a request (already decoded) is a KV command, so the runner knows to clean KV keys. */
export function isKvRequest(request: ExactJsonValue): boolean {
  return isJsonObject(request) && Object.keys(request).some((name) => name.startsWith('KV_'));
}

function rewriteEnvelope(value: ExactJsonValue, rewrite: (name: string, body: ExactJsonObject) => ExactJsonObject): ExactJsonValue {
  if (!isJsonObject(value)) return value;
  const names = Object.keys(value);
  if (names.length !== 1) return value;
  const name = names[0]!;
  const body = value[name];
  if (!isJsonObject(body)) return value;
  return { [name]: rewrite(name, body) };
}

function renameMembers(object: ExactJsonObject, rename: Rewrite): ExactJsonObject {
  // fromEntries defines own members, so a key named "__proto__" stays a key.
  return Object.fromEntries(Object.entries(object).map(([name, value]) => [rename(name), value]));
}

function renameItems(items: ExactJsonValue[], rename: Rewrite): ExactJsonValue[] {
  return items.map((item) => (typeof item === 'string' ? rename(item) : item));
}
