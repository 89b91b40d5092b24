import type { ExactJsonObject } from '@nemesisdb/protocol';

/**
 * A new object for members whose names come from users (replies of GET, FIND, snapshots).
 *
 * Without a prototype, for two reasons measured on V8: assigning ever-new member names to `{}`
 * grows a hidden-class transition per name (a KV_GET over 100k distinct keys ran 3× slower, and
 * the transitions are never freed), while a prototype-less object starts in dictionary mode; and
 * a member named "__proto__" is then an ordinary member, with no prototype to replace.
 */
export function createMembers(): ExactJsonObject {
  return Object.create(null) as ExactJsonObject;
}
