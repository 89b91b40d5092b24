import { describe, expectTypeOf, it } from 'vitest';
import type { CommandName, RequestBody, RequestInput, ResponseBody } from './commands.js';
import type { JsonObject, JsonValue } from '../codec/json-value.js';
import { decode } from '../codec/decode.js';
import type { ExactJsonValue } from '../codec/json-value.js';

describe('wire types', () => {
  it('tokens are bigint once checked or parsed', () => {
    expectTypeOf<RequestBody<'SH_GET'>['tkn']>().toEqualTypeOf<bigint>();
    expectTypeOf<RequestBody<'SH_END'>['tkn']>().toEqualTypeOf<bigint>();
    expectTypeOf<Extract<ResponseBody<'SH_NEW'>, { st: 1 }>['tkn']>().toEqualTypeOf<bigint>();
    expectTypeOf<Extract<ResponseBody<'SH_EXISTS'>, { st: 1 }>['exist']>().toEqualTypeOf<bigint[]>();
  });

  it('request bodies carry their parameters', () => {
    expectTypeOf<RequestBody<'SH_SET'>['keys']>().toEqualTypeOf<JsonObject>();
    expectTypeOf<RequestBody<'SH_GET'>['keys']>().toEqualTypeOf<JsonValue[]>();
    expectTypeOf<RequestBody<'KV_FIND'>['rsp']>().toEqualTypeOf<'keys' | 'paths' | 'kv'>();
    expectTypeOf<RequestBody<'SH_SAVE'>['tkns']>().toEqualTypeOf<bigint[] | undefined>();
    expectTypeOf<RequestInput<'SH_NEW'>>().toMatchTypeOf<{ expiry?: { duration: number | bigint } }>();
    expectTypeOf<{ name: 'basket'; shared: true }>().toMatchTypeOf<RequestInput<'SH_NEW'>>();
    expectTypeOf<RequestBody<'SH_OPEN'>['name']>().toEqualTypeOf<string>();
    expectTypeOf<Extract<ResponseBody<'SH_OPEN'>, { st: 1 }>['tkn']>().toEqualTypeOf<bigint>();
    expectTypeOf<RequestBody<'SH_SET_EXPIRY'>['expiry']['duration']>().toEqualTypeOf<number | bigint>();
    expectTypeOf<RequestBody<'SH_SET_EXPIRY'>['tkn']>().toEqualTypeOf<bigint>();
  });

  it('command names are a closed union', () => {
    expectTypeOf<'SH_NEW'>().toMatchTypeOf<CommandName>();
    expectTypeOf<'SH_OPEN'>().toMatchTypeOf<CommandName>(); // an extension
    expectTypeOf<'SH_FIND'>().not.toMatchTypeOf<CommandName>();
    expectTypeOf<'KV_SETQ'>().not.toMatchTypeOf<CommandName>();
  });

  it('decode returns plain values unless exactNumbers is asked for', () => {
    expectTypeOf(decode('1')).toEqualTypeOf<JsonValue>();
    expectTypeOf(decode('1', { exactNumbers: true })).toEqualTypeOf<ExactJsonValue>();
  });
});
