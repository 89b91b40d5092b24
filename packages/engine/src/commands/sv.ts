import { Status } from '@nemesisdb/protocol';
import type { CommandDefinition } from './command.js';

/** SV_INFO (docs/reference/protocol.md §8): the server's version and whether saving is enabled. */
export const SV_INFO: CommandDefinition<'SV_INFO'> = {
  family: 'SV',
  run: (_body, { persistence, serverVersion }) => ({
    persistEnabled: persistence.enabled,
    serverVersion,
    st: Status.Ok,
  }),
};
