import { Status } from '@nemesisdb/protocol';
import { KeysBody, NO_SESSION_BODY, OK_BODY, type ReplyBody } from '../replies.js';
import { NO_SESSION, type NoSession } from '../store/store.js';

/** The success bodies that several commands of both families answer with. */

export const ok = (): ReplyBody => OK_BODY;
export const counted = (cnt: number): ReplyBody => ({ cnt, st: Status.Ok });
export const keyList = (keys: unknown): ReplyBody => new KeysBody(keys);
export const containing = (contains: string[]): ReplyBody => ({ contains, st: Status.Ok });

/** A session command's answer: form A 100 when the store found no (live) session, else `answer`'s. */
export function inSession<T>(answer: (result: T) => ReplyBody): (result: T | NoSession) => ReplyBody {
  return (result) => (result === NO_SESSION ? NO_SESSION_BODY : answer(result as T));
}
