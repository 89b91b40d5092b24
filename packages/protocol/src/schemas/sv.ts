import { z } from 'zod';
import { stIs } from './primitives.js';
import { Status } from '../status.js';

/* SV commands (docs/reference/protocol.md §8): only SV_INFO exists. */

/** SV_INFO: the body must be an object; its members are ignored. */
export const svInfoRequest = z.looseObject({});
export const svInfoResponse = z.object({
  persistEnabled: z.boolean(),
  serverVersion: z.string(),
  st: stIs(Status.Ok),
});
