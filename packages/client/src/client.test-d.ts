import { describe, expectTypeOf, it } from 'vitest';
import type { ConnectionError, NemesisError, Session } from './index.js';
import {
  NemesisClient,
  toSessionToken,
  type ClientEvents,
  type FoundValues,
  type JsonObject,
  type JsonValue,
  type SessionInfo,
  type SessionToken,
  type StatusName,
  type SuccessBody,
  type TokenLike,
} from './index.js';

declare const db: NemesisClient;
declare const s: Session;

describe('public types', () => {
  it('connect resolves with a client', () => {
    expectTypeOf(NemesisClient.connect).returns.resolves.toEqualTypeOf<NemesisClient>();
  });

  it('tokens are branded decimal strings', () => {
    expectTypeOf(s.token).toEqualTypeOf<SessionToken>();
    expectTypeOf<SessionToken>().toMatchTypeOf<string>();
    expectTypeOf<string>().not.toMatchTypeOf<SessionToken>();
    expectTypeOf(toSessionToken('1')).toEqualTypeOf<SessionToken>();
    expectTypeOf(db.sessions.open).parameter(0).toEqualTypeOf<TokenLike>();
    expectTypeOf<string | bigint>().toMatchTypeOf<TokenLike>();
    // Numbers are not tokens: a token beyond 2^53 would already be rounded.
    expectTypeOf<number>().not.toMatchTypeOf<Parameters<typeof db.sessions.open>[0]>();
  });

  it('get returns the asked keys as optional members', () => {
    expectTypeOf(s.get(['cart', 'user'] as const)).resolves.toEqualTypeOf<FoundValues<'cart' | 'user'>>();
    expectTypeOf<FoundValues<'cart'>>().toEqualTypeOf<{ cart?: JsonValue }>();
    expectTypeOf<JsonValue>().toMatchTypeOf<bigint | number | string | boolean | null | JsonValue[] | JsonObject>();
    expectTypeOf(db.kv.get(['a'])).resolves.toEqualTypeOf<FoundValues<'a'>>();
  });

  it('contains and exists answer booleans, one per asked item', () => {
    expectTypeOf(s.contains('a')).resolves.toEqualTypeOf<boolean>();
    expectTypeOf(s.contains(['a', 'b'])).resolves.toEqualTypeOf<boolean[]>();
    expectTypeOf(db.sessions.exists(s.token)).resolves.toEqualTypeOf<boolean>();
    expectTypeOf(db.sessions.exists([s.token])).resolves.toEqualTypeOf<boolean[]>();
  });

  it('counts are numbers; find depends on the result asked for', () => {
    expectTypeOf(s.count()).resolves.toEqualTypeOf<number>();
    expectTypeOf(s.clear()).resolves.toEqualTypeOf<number>();
    expectTypeOf(db.kv.find('$.a')).resolves.toEqualTypeOf<string[]>();
    expectTypeOf(db.kv.find('$.a', 'paths')).resolves.toEqualTypeOf<string[]>();
    expectTypeOf(db.kv.find('$.a', 'kv')).resolves.toEqualTypeOf<JsonObject>();
    expectTypeOf(db.kv.update('k', '$', 1)).resolves.toEqualTypeOf<number>();
  });

  it('session info is a union discriminated by expires', () => {
    expectTypeOf(s.info()).resolves.toEqualTypeOf<SessionInfo>();
    const info = {} as SessionInfo;
    if (info.expires) expectTypeOf(info.expiry.remainingSeconds).toEqualTypeOf<number>();
    else expectTypeOf(info).not.toHaveProperty('expiry');
  });

  it('every call takes an AbortSignal', () => {
    expectTypeOf(s.get).parameter(1).toEqualTypeOf<{ signal?: AbortSignal } | undefined>();
    expectTypeOf(db.server.info).parameter(0).toEqualTypeOf<{ signal?: AbortSignal } | undefined>();
  });

  it('raw commands return the success body of the protocol, tokens as bigint', () => {
    // A shared session's reply also carries its name (extension).
    expectTypeOf<SuccessBody<'SH_NEW'>>().toEqualTypeOf<{ name: string; st: 1; tkn: bigint } | { st: 1; tkn: bigint }>();
    expectTypeOf<SuccessBody<'SH_OPEN'>>().toEqualTypeOf<{ st: 1; tkn: bigint }>();
    expectTypeOf<SuccessBody<'SH_GET'>>().toEqualTypeOf<{ keys: JsonObject; st: 1 }>();
    expectTypeOf<SuccessBody<'KV_SAVE'>['st']>().toEqualTypeOf<121>();
    expectTypeOf<SuccessBody<'SH_LOAD'>['st']>().toEqualTypeOf<141>();
    expectTypeOf(db.command('SH_EXISTS', { tkns: [] })).resolves.toEqualTypeOf<SuccessBody<'SH_EXISTS'>>();
    expectTypeOf<SuccessBody<'SH_EXISTS'>['exist']>().toEqualTypeOf<bigint[]>();
    // @ts-expect-error SH_OPEN (an extension) needs a name
    void db.command('SH_OPEN', {});
    // @ts-expect-error not a command
    void db.command('SH_FIND', {});
  });

  it('shared sessions: create({ shared }) gives a Session, openShared a Session or null', () => {
    expectTypeOf(db.sessions.create({ shared: 'settings', durationSeconds: 60 })).resolves.toEqualTypeOf<Session>();
    expectTypeOf(db.sessions.openShared('settings')).resolves.toEqualTypeOf<Session | null>();
    // @ts-expect-error the name is a string
    void db.sessions.create({ shared: true });
  });

  it('setExpiry takes the expiry options of create, not its shared name', () => {
    const session = db.sessions.open('1');
    expectTypeOf(session.setExpiry({ durationSeconds: 60, extendOnGet: true })).resolves.toEqualTypeOf<void>();
    // @ts-expect-error a session's name is given when it is created
    void session.setExpiry({ shared: 'x' });
  });

  it('errors carry status, its name and the command', () => {
    expectTypeOf<NemesisError['status']>().toEqualTypeOf<number>();
    expectTypeOf<NemesisError['statusName']>().toEqualTypeOf<StatusName | undefined>();
    expectTypeOf<ConnectionError['failure']>().toEqualTypeOf<'connect' | 'lost' | 'closed' | 'offline'>();
  });

  it('event listeners get typed payloads', () => {
    db.on('disconnect', (event) => expectTypeOf(event.willReconnect).toEqualTypeOf<boolean>());
    db.on('error', (error) => expectTypeOf(error).toMatchTypeOf<Error>());
    expectTypeOf<ClientEvents['close']>().toEqualTypeOf<[]>();
    // @ts-expect-error no such event
    db.on('ready', () => {});
  });
});
