import { decode, encode, type ExactJsonValue } from '@nemesisdb/protocol';
import { Connection, type ServerAccess } from './connection.js';
import { describeEvent } from './event-text.js';
import { show } from './match.js';
import type { ServerFacts } from './types.js';

/** A second connection for SV_INFO and cleanup, reopened when a case made the server close it. */
export class Control {
  private connection: Connection | null = null;

  constructor(
    private readonly url: string,
    private readonly timeoutMs: number,
    private readonly access: ServerAccess,
  ) {}

  async facts(): Promise<ServerFacts> {
    const reply = await this.request({ SV_INFO: {} });
    const body = (reply as { SV_INFO_RSP?: Record<string, unknown> } | null)?.SV_INFO_RSP;
    if (!body) throw new Error(`${this.url} did not answer SV_INFO with SV_INFO_RSP: ${show(reply)}`);
    return {
      url: this.url,
      serverVersion: typeof body['serverVersion'] === 'string' ? body['serverVersion'] : null,
      persistEnabled: typeof body['persistEnabled'] === 'boolean' ? body['persistEnabled'] : null,
    };
  }

  async request(value: ExactJsonValue): Promise<ExactJsonValue> {
    if (!this.connection || this.connection.isClosed) this.connection = await Connection.open(this.url, this.timeoutMs, this.access);
    await this.connection.sendText(encode(value));
    const event = await this.connection.next(this.timeoutMs);
    if (event.type !== 'message') throw new Error(`${this.url}: no reply to ${encode(value)} (${describeEvent(event, this.timeoutMs)})`);
    return decode(event.text, { exactNumbers: true });
  }

  async close(): Promise<void> {
    await this.connection?.close();
  }
}
