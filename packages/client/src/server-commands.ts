import type { CommandRunner, RequestOptions } from './command.js';

/** What {@link ServerCommands.info} reports. */
export interface ServerInfo {
  /** The version the server reports (`"0.7.4"` for upstream v0.7.4). */
  serverVersion: string;
  /** Whether SAVE commands are enabled (LOAD works either way). */
  persistEnabled: boolean;
}

/** Commands about the server itself (`db.server`). */
export class ServerCommands {
  /** @internal Use `db.server`. */
  constructor(private readonly runner: CommandRunner) {}

  /** The server's version and whether persistence is enabled (SV_INFO). */
  async info(options?: RequestOptions): Promise<ServerInfo> {
    const body = await this.runner.run('SV_INFO', {}, options);
    return { serverVersion: body.serverVersion, persistEnabled: body.persistEnabled };
  }
}
