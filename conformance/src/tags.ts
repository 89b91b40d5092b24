// The corpus tags the runner gives a meaning to: the profiles choose cases by the first three
// (select.ts), the server settings skip cases by the last three (settings.ts). Every other tag
// (a command name, a page's topic) only serves --tags.

/** Cases for our deliberate improvements over v0.7.4: left out by the `v0.7.4` profile. */
export const IMPROVEMENT_TAG = 'improvement';
/** Cases for our extensions of the protocol (commands and members v0.7.4 lacks): left out by `v0.7.4`. */
export const EXTENSION_TAG = 'extension';
/** Cases that pin down v0.7.4's own answer where we deliberately differ: only in the `v0.7.4` profile. */
export const UPSTREAM_ONLY_TAG = 'v0.7.4-only';

/** Tag of cases that depend on the server's maxPayload (also given to every case with a `pad=` request). */
export const MAX_PAYLOAD_TAG = 'max-payload';
/** Tag of cases that need persistence disabled (SAVE answers 14). */
export const PERSISTENCE_OFF_TAG = 'persistence-off';
/** Tag of cases that need persistence enabled (also given to every case that sends KV_SAVE or SH_SAVE). */
export const PERSISTENCE_ON_TAG = 'persistence-on';
