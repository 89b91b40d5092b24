import type { CommandName } from '@nemesisdb/protocol';
import type { CommandDefinition } from '../commands/command.js';
import { COMMAND_TABLE } from '../commands/table.js';

/**
 * Precomputed per command: its definition, its response name and the text that opens a reply.
 * Looked up once per request (by name) and carried with the request to its reply and journal record.
 */
export interface Route {
  readonly name: CommandName;
  readonly responseName: string;
  /** `{"<CMD>_RSP":` */
  readonly prefix: string;
  /** `{"<CMD>":`, for journal records. */
  readonly requestPrefix: string;
  readonly definition: CommandDefinition;
}

export const ROUTES: ReadonlyMap<string, Route> = new Map<string, Route>(
  Object.entries(COMMAND_TABLE).map(([name, definition]) => [
    name,
    {
      name: name as CommandName,
      responseName: `${name}_RSP`,
      prefix: `{"${name}_RSP":`,
      requestPrefix: `{"${name}":`,
      definition: definition as CommandDefinition,
    },
  ]),
);
