// What the load bench measures: the request mixes, the rows (connections × requests in flight),
// and the pre-built request frames of each mix.
import { textFrame } from './raw-websocket.js';

/** Sessions created on each server before measuring, which the session mix addresses. */
export const SESSION_POOL = 10_000;

/**
 * session: 10 % SH_NEW, 45 % SH_SET, 45 % SH_GET over a pool of sessions; own: SH_SET / SH_GET
 * alternating on the connection's own session (a web server's shape, and the store-redis bench's);
 * kv: 50 % KV_SET, 50 % KV_GET.
 */
export type Mix = 'session' | 'own' | 'kv';

export interface Scenario {
  mix: Mix;
  connections: number;
  inFlight: number;
  /** Also measured on the cluster store (against the memory store in the same round). */
  cluster?: boolean;
}

const ALL_SCENARIOS: Scenario[] = [
  { mix: 'session', connections: 1, inFlight: 1, cluster: true },
  { mix: 'session', connections: 1, inFlight: 8 },
  { mix: 'session', connections: 4, inFlight: 64 },
  { mix: 'session', connections: 16, inFlight: 16, cluster: true },
  { mix: 'own', connections: 16, inFlight: 16, cluster: true },
  { mix: 'kv', connections: 1, inFlight: 1 },
  { mix: 'kv', connections: 1, inFlight: 8 },
  { mix: 'kv', connections: 4, inFlight: 64 },
];

/** Every row, or the one LOAD_ONLY names (`mix:connections:inFlight[:cluster]`). */
export function chosenScenarios(only = process.env.LOAD_ONLY?.split(':')): Scenario[] {
  if (!only) return ALL_SCENARIOS;
  return [{ mix: only[0] as Mix, connections: Number(only[1]), inFlight: Number(only[2]), cluster: only[3] === 'cluster' }];
}

export function rowName(scenario: Scenario): string {
  const mix = scenario.mix === 'session' ? 'sessions mix' : scenario.mix === 'own' ? 'own session' : 'KV mix';
  return `${mix} ${scenario.connections} × ${scenario.inFlight}`;
}

/** Request frames for a mix, picked at random once, used round-robin. */
export function requests(mix: Mix, tokens: string[], count: number): Buffer[] {
  const frames: Buffer[] = [];
  for (let i = 0; i < count; i++) {
    const r = Math.random();
    const tkn = tokens[Math.floor(Math.random() * tokens.length)];
    const key = `key${Math.floor(Math.random() * SESSION_POOL)}`;
    if (mix === 'own') {
      frames.push(
        textFrame(i % 2 === 0 ? `{"SH_SET":{"tkn":${tkn},"keys":{"k${i % 8}":${i}}}}` : `{"SH_GET":{"tkn":${tkn},"keys":["k${i % 8}"]}}`),
      );
    } else if (mix === 'session') {
      if (r < 0.1) frames.push(textFrame('{"SH_NEW":{}}'));
      else if (r < 0.55) frames.push(textFrame(`{"SH_SET":{"tkn":${tkn},"keys":{"name":"user${i}","visits":${i}}}}`));
      else frames.push(textFrame(`{"SH_GET":{"tkn":${tkn},"keys":["name","visits"]}}`));
    } else if (r < 0.5) {
      frames.push(textFrame(`{"KV_SET":{"keys":{"${key}":{"name":"user${i}","visits":${i}}}}}`));
    } else {
      frames.push(textFrame(`{"KV_GET":{"keys":["${key}"]}}`));
    }
  }
  return frames;
}
