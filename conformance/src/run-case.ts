// One case against the server: a fresh connection, steps in order, the first failing step ends the
// case, then the case's sessions and KV keys are removed over the control connection.
import { setTimeout as sleep } from 'node:timers/promises';
import { decode, type ExactJsonValue } from '@nemesisdb/protocol';
import { Connection, type ServerAccess } from './connection.js';
import type { Control } from './control.js';
import { clip, describeClose, describeEvent } from './event-text.js';
import { matchValue, type Bindings } from './match.js';
import { stripNamespace } from './namespace.js';
import { StepFailure, buildPayload } from './request-payload.js';
import type { Case, CaseResult, ExpectCloseStep, ExpectStep, SendStep, Step } from './types.js';

export interface CaseContext {
  readonly url: string;
  readonly prefix: string;
  readonly maxPayload: number;
  readonly timeoutMs: number;
  readonly access: ServerAccess;
  readonly control: Control;
}

export async function runCase(c: Case, context: CaseContext): Promise<CaseResult> {
  const started = performance.now();
  const state: CaseState = { bindings: new Map(), connection: null, tokens: new Set(), usedKv: false };
  const result = (status: 'passed' | 'failed', message?: string, line?: number): CaseResult => {
    const durationMs = Math.round(performance.now() - started);
    return message === undefined ? { case: c, status, durationMs } : { case: c, status, durationMs, message, line: line ?? c.line };
  };
  try {
    for (let i = 0; i < c.steps.length; i++) {
      const step = c.steps[i] as Step;
      if (step.kind === 'send') {
        const next = c.steps[i + 1];
        const check = next?.kind === 'expect' || next?.kind === 'close' ? next : null;
        await sendAndCheck(step, check, state, context, c.file);
        if (check) i++;
      } else if (step.kind === 'wait') {
        await sleep(step.ms);
      } else if (step.kind === 'connect') {
        await state.connection?.close();
        state.connection = await openAt(context.url, step.path, context.timeoutMs, context.access, step.line, c.file);
      }
    }
    return result('passed');
  } catch (error) {
    if (error instanceof StepFailure) return result('failed', error.message, error.line);
    return result('failed', (error as Error).message);
  } finally {
    await state.connection?.close();
    await cleanup(state, context);
  }
}

interface CaseState {
  readonly bindings: Bindings;
  connection: Connection | null;
  /** Tokens of sessions the case created (from SH_NEW replies), ended afterwards. */
  readonly tokens: Set<bigint>;
  usedKv: boolean;
}

async function sendAndCheck(
  step: SendStep,
  check: ExpectStep | ExpectCloseStep | null,
  state: CaseState,
  context: CaseContext,
  file: string,
): Promise<void> {
  const where = `${file}:${step.line}`;
  const { payload, binary, shown, usesKv } = buildPayload(
    step,
    { bindings: state.bindings, prefix: context.prefix, maxPayload: context.maxPayload },
    where,
  );
  if (usesKv) state.usedKv = true;
  if (!state.connection || state.connection.isClosed) {
    state.connection = await openAt(context.url, null, context.timeoutMs, context.access, step.line, file);
  }
  const connection = state.connection;
  let sendError: Error | null = null;
  try {
    await (binary ? connection.sendBinary(payload as Buffer) : connection.sendText(payload));
  } catch (error) {
    // The server may close while a large message is still being written; that is what a close
    // expectation is about, so the error only matters when a reply was due.
    sendError = error as Error;
  }
  const event = await connection.next(context.timeoutMs);

  if (check?.kind === 'close') {
    if (event.type === 'close') {
      if (check.code !== null && event.code !== check.code) {
        throw new StepFailure(
          check.line,
          `${file}:${check.line}: expected close code ${check.code}, got ${describeClose(event)}\n  sent: ${shown}`,
        );
      }
      return;
    }
    throw new StepFailure(
      check.line,
      `${file}:${check.line}: expected the connection to close${check.code === null ? '' : ` with ${check.code}`}, got ${describeEvent(event, context.timeoutMs)}\n  sent: ${shown}`,
    );
  }

  const line = check?.line ?? step.line;
  if (event.type !== 'message') {
    const cause = sendError ? ` (sending failed: ${sendError.message})` : '';
    throw new StepFailure(
      line,
      `${file}:${line}: expected a reply, got ${describeEvent(event, context.timeoutMs)}${cause}\n  sent: ${shown}`,
    );
  }
  let reply: ExactJsonValue;
  try {
    reply = decode(event.text, { exactNumbers: true });
  } catch (error) {
    throw new StepFailure(
      line,
      `${file}:${line}: the reply is not JSON (${(error as Error).message})\n  sent:     ${shown}\n  received: ${clip(event.text)}`,
    );
  }
  recordTokens(reply, state.tokens);
  if (!check) return;
  const expected = decode(check.text, { exactNumbers: true });
  const actual = stripNamespace(reply, context.prefix);
  const mismatch = matchValue(expected, actual, check, state.bindings);
  if (mismatch) {
    throw new StepFailure(
      check.line,
      `${file}:${check.line}: ${mismatch.path}: ${mismatch.message}\n  sent:     ${shown}\n  received: ${clip(event.text)}`,
    );
  }
  if (event.binary) throw new StepFailure(check.line, `${file}:${check.line}: the reply came as a binary message; replies are text`);
}

function recordTokens(reply: ExactJsonValue, tokens: Set<bigint>): void {
  if (reply === null || typeof reply !== 'object' || Array.isArray(reply)) return;
  const body = (reply as Record<string, unknown>)['SH_NEW_RSP'];
  if (body === null || typeof body !== 'object') return;
  const tkn = (body as Record<string, unknown>)['tkn'];
  if (typeof tkn === 'bigint') tokens.add(tkn);
  else if (typeof tkn === 'number' && Number.isInteger(tkn) && tkn >= 0) tokens.add(BigInt(tkn));
}

async function openAt(
  url: string,
  path: string | null,
  timeoutMs: number,
  access: ServerAccess,
  line: number,
  file: string,
): Promise<Connection> {
  const target = path === null ? url : new URL(path, new URL(url).origin).toString();
  try {
    return await Connection.open(target, timeoutMs, access);
  } catch (error) {
    throw new StepFailure(line, `${file}:${line}: ${(error as Error).message}`);
  }
}

/** Ends the case's sessions and removes its KV keys, over the control connection. */
async function cleanup(state: CaseState, context: CaseContext): Promise<void> {
  try {
    for (const tkn of state.tokens) await context.control.request({ SH_END: { tkn } });
    if (!state.usedKv) return;
    const reply = await context.control.request({ KV_KEYS: {} });
    const body = (reply as { KV_KEYS_RSP?: { keys?: unknown } } | null)?.KV_KEYS_RSP;
    const keys = Array.isArray(body?.keys)
      ? body.keys.filter((k): k is string => typeof k === 'string' && k.startsWith(context.prefix))
      : [];
    if (keys.length > 0) await context.control.request({ KV_RMV: { keys } });
  } catch {
    // Best effort: a server that broke mid-case must not turn the next cases into failures here.
  }
}
