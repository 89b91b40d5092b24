// Running cases against a server: one fresh connection per case, steps in order, the first
// failing step ends the case, then the case's sessions and KV keys are removed.
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { JsonDouble, decode, encode, type ExactJsonValue } from '@nemesisdb/protocol';
import { Connection, type ConnectionEvent, type ServerAccess } from './connection.js';
import { matchValue, parsePlaceholder, show, type Bindings } from './match.js';
import { isKvRequest, namespaceRequest, stripNamespace } from './namespace.js';
import { matchesPattern, selectCases, type Profile, type SelectOptions, type SkipRule } from './select.js';
import { PERSISTENCE_OFF_TAG, resolveSettings, settingsSkip, type ServerSettings, type SettingsInput } from './settings.js';
import type { Case, CaseResult, ExpectCloseStep, ExpectStep, SendStep, ServerFacts, Step, Summary } from './types.js';

/** Our server's default maxPayload (the default profile's; see PROFILE_DEFAULTS for the others). */
export const DEFAULT_MAX_PAYLOAD = 1024 * 1024;
export const DEFAULT_TIMEOUT_MS = 5000;

export interface RunListener {
  onStart?(info: RunStart): void;
  onCaseStart?(c: Case, index: number, total: number): void;
  onCaseEnd?(result: CaseResult, index: number, total: number): void;
  onEnd?(summary: Summary, results: readonly CaseResult[]): void;
}

export interface RunStart {
  readonly facts: ServerFacts;
  readonly profile: Profile;
  /** Cases in the run (including those that will be skipped). */
  readonly total: number;
  /** Corpus cases left out by the profile and the filters. */
  readonly leftOut: number;
  readonly leftOutCases: readonly Case[];
  /** The settings the run judges the server by, and where each came from. */
  readonly settings: ServerSettings;
  /** Options that contradict what the server reports. */
  readonly warnings: readonly string[];
}

export interface RunOptions extends SelectOptions {
  /** The server, e.g. `ws://127.0.0.1:1987`. */
  readonly url: string;
  readonly cases: readonly Case[];
  /**
   * The server's maxPayload, for requests written with `pad=max` / `pad=max+1`; `unknown` skips
   * those cases. Default: the profile's (PROFILE_DEFAULTS).
   */
  readonly maxPayload?: SettingsInput['maxPayload'];
  /** Whether the server has persistence enabled. Default: SV_INFO's `persistEnabled`, else the profile's. */
  readonly persistence?: SettingsInput['persistence'];
  /** Cases that must fail (known gaps of the server under test); one that passes fails the run. */
  readonly expectFail?: readonly SkipRule[];
  /** How long to wait for a reply or a close. */
  readonly timeoutMs?: number;
  /** Token and CA for a server that requires them. */
  readonly access?: ServerAccess;
  readonly listener?: RunListener;
}

export interface RunOutcome {
  readonly facts: ServerFacts;
  readonly settings: ServerSettings;
  readonly results: readonly CaseResult[];
  readonly summary: Summary;
}

/** Runs the selected cases one after another. Rejects only when the server cannot be reached. */
export async function runSuite(options: RunOptions): Promise<RunOutcome> {
  const started = performance.now();
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const control = new Control(options.url, timeoutMs, options.access ?? {});
  const facts = await control.facts();
  const profile = options.profile ?? 'default';
  const { settings, warnings } = resolveSettings(profile, { maxPayload: options.maxPayload, persistence: options.persistence }, facts);
  const selection = selectCases(options.cases, options);
  const total = selection.cases.length;
  options.listener?.onStart?.({
    facts,
    profile,
    total,
    leftOut: selection.leftOut,
    leftOutCases: selection.leftOutCases,
    settings,
    warnings,
  });

  // A run-unique prefix keeps this run's KV keys apart from everything else on the server.
  const runId = randomBytes(3).toString('hex');
  const results: CaseResult[] = [];
  try {
    for (const [index, { case: c, skipReason }] of selection.cases.entries()) {
      options.listener?.onCaseStart?.(c, index, total);
      const reason = skipReason ?? settingsSkip(c, settings);
      const expected = options.expectFail?.find((rule) => matchesPattern(c, rule.pattern));
      const result: CaseResult = reason
        ? { case: c, status: 'skipped', durationMs: 0, message: reason }
        : judgeExpectation(
            await runCase(c, {
              url: options.url,
              prefix: `cf.${runId}.${index}.`,
              // settingsSkip has skipped the padded cases when maxPayload is unknown.
              maxPayload: settings.maxPayload.value ?? DEFAULT_MAX_PAYLOAD,
              timeoutMs,
              access: options.access ?? {},
              control,
            }),
            expected,
          );
      results.push(result);
      options.listener?.onCaseEnd?.(result, index, total);
    }
  } finally {
    await control.close();
  }
  const summary: Summary = {
    passed: results.filter((r) => r.status === 'passed').length,
    failed: results.filter((r) => r.status === 'failed').length,
    skipped: results.filter((r) => r.status === 'skipped').length,
    expectedFailures: results.filter((r) => r.status === 'expected-failure').length,
    durationMs: Math.round(performance.now() - started),
  };
  options.listener?.onEnd?.(summary, results);
  return { facts, settings, results, summary };
}

/** A case an expect-fail list names must fail; when it passes, the list is out of date and the run fails. */
function judgeExpectation(result: CaseResult, expected: SkipRule | undefined): CaseResult {
  if (!expected) return result;
  if (result.status === 'failed') return { ...result, status: 'expected-failure', expectedFailure: expected.reason };
  return {
    ...result,
    status: 'failed',
    expectedFailure: expected.reason,
    unexpectedPass: true,
    message: `passed, but it is listed as an expected failure (${expected.reason}): remove it from the expect-fail list`,
  };
}

/**
 * Why a case cannot run on this server as far as persistence goes, or null: SAVE needs persistence
 * enabled (status 14 otherwise) and the cases that expect 14 need it disabled; SV_INFO's
 * `persistEnabled` says which. Kept for library users; runs use settingsSkip (settings.ts).
 */
export function persistenceSkip(c: Case, facts: ServerFacts): string | null {
  const { settings } = resolveSettings('default', { maxPayload: Number.MAX_SAFE_INTEGER }, facts);
  return settingsSkip(c, settings);
}

export { PERSISTENCE_OFF_TAG };

interface CaseContext {
  readonly url: string;
  readonly prefix: string;
  readonly maxPayload: number;
  readonly timeoutMs: number;
  readonly access: ServerAccess;
  readonly control: Control;
}

class StepFailure extends Error {
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(message);
  }
}

async function runCase(c: Case, context: CaseContext): Promise<CaseResult> {
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
  const { payload, binary, shown } = buildPayload(step, state, context, where);
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

function buildPayload(
  step: SendStep,
  state: CaseState,
  context: CaseContext,
  where: string,
): { payload: string | Buffer; binary: boolean; shown: string } {
  if (step.mode === 'hex') {
    const bytes = Buffer.from(step.text.replace(/\s/g, ''), 'hex');
    return { payload: bytes, binary: false, shown: `(hex) ${bytes.toString('hex')}` };
  }
  let text: string;
  if (step.mode === 'json') {
    const request = fillRequest(decode(step.text, { exactNumbers: true }), state.bindings, where);
    if (isKvRequest(request)) state.usedKv = true;
    text = encode(namespaceRequest(request, context.prefix));
  } else {
    text = fillText(step.text, state.bindings, where);
    if (/"KV_/.test(text)) state.usedKv = true;
  }
  if (step.pad) {
    const target = context.maxPayload + (step.pad === 'max+1' ? 1 : 0);
    const size = Buffer.byteLength(text);
    if (size > target) throw new StepFailure(step.line, `${where}: the request is ${size} bytes, more than pad=${step.pad} (${target})`);
    // Trailing whitespace is valid JSON, so the padded request means the same at any size.
    const shown = `${clip(text)} + ${target - size} spaces (${target} bytes)`;
    text += ' '.repeat(target - size);
    return { payload: text, binary: false, shown };
  }
  if (step.mode === 'binary') return { payload: Buffer.from(text, 'utf8'), binary: true, shown: `(binary) ${clip(text)}` };
  return { payload: text, binary: false, shown: clip(text) };
}

/** Replaces placeholder strings in a request by their bound values. */
function fillRequest(value: ExactJsonValue, bindings: Bindings, where: string): ExactJsonValue {
  if (typeof value === 'string') {
    const placeholder = parsePlaceholder(value);
    return placeholder ? asType(boundValue(placeholder.name, value, bindings, where), placeholder.type) : value;
  }
  if (Array.isArray(value)) return value.map((item) => fillRequest(item, bindings, where));
  if (value !== null && typeof value === 'object' && !(value instanceof JsonDouble)) {
    return Object.fromEntries(Object.entries(value).map(([name, item]) => [name, fillRequest(item as ExactJsonValue, bindings, where)]));
  }
  return value;
}

/** The same for a request sent as text: each quoted placeholder becomes its value's JSON. */
function fillText(text: string, bindings: Bindings, where: string): string {
  return text.replace(/"(\$[A-Za-z_][A-Za-z0-9_]*(?::[a-z]+)?)"/g, (whole, inner: string) => {
    const placeholder = parsePlaceholder(inner);
    return placeholder ? encode(asType(boundValue(placeholder.name, inner, bindings, where), placeholder.type)) : whole;
  });
}

// In a request, `"$tkn:string"` sends a number as the string of its digits (to test string tokens).
function asType(value: ExactJsonValue, type: string): ExactJsonValue {
  return type === 'string' && (typeof value === 'bigint' || typeof value === 'number') ? String(value) : value;
}

function boundValue(name: string | null, text: string, bindings: Bindings, where: string): ExactJsonValue {
  const value = name === null ? undefined : bindings.get(name);
  if (value === undefined) throw new Error(`${where}: ${text} is not bound; capture it in an earlier response`);
  return value;
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

/** A second connection for SV_INFO and cleanup, reopened when a case made the server close it. */
class Control {
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

function describeEvent(event: ConnectionEvent, timeoutMs: number): string {
  if (event.type === 'timeout') return `nothing within ${timeoutMs} ms`;
  if (event.type === 'close') return `the connection closed (${describeClose(event)})`;
  return `a reply: ${clip(event.text)}`;
}

function describeClose(event: { code: number; reason: string }): string {
  return `code ${event.code}${event.reason ? ` "${event.reason}"` : ''}`;
}

function clip(text: string): string {
  return text.length > 300 ? `${text.slice(0, 297)}...` : text;
}
