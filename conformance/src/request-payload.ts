// What a send step puts on the wire: placeholders filled from the case's bindings, KV keys moved
// into the case's namespace, padding to the server's maxPayload, hex and binary frames.
import { JsonDouble, decode, encode, type ExactJsonValue } from '@nemesisdb/protocol';
import { clip } from './event-text.js';
import { parsePlaceholder, type Bindings } from './match.js';
import { isKvRequest, namespaceRequest } from './namespace.js';
import type { SendStep } from './types.js';

/** What buildPayload needs of the running case. */
export interface PayloadContext {
  readonly bindings: Bindings;
  readonly prefix: string;
  readonly maxPayload: number;
}

export interface Payload {
  readonly payload: string | Buffer;
  readonly binary: boolean;
  /** The request as a failure message shows it (clipped, padding summarised). */
  readonly shown: string;
  /** Whether the request touches KV keys, so the case's keys must be removed afterwards. */
  readonly usesKv: boolean;
}

/** A failed step of a case (here: a request that cannot be sent as written); `line` is the step's. */
export class StepFailure extends Error {
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(message);
  }
}

/** The bytes a send step sends; `where` (file:line) starts every error message. */
export function buildPayload(step: SendStep, context: PayloadContext, where: string): Payload {
  if (step.mode === 'hex') {
    const bytes = Buffer.from(step.text.replace(/\s/g, ''), 'hex');
    return { payload: bytes, binary: false, shown: `(hex) ${bytes.toString('hex')}`, usesKv: false };
  }
  let text: string;
  let usesKv: boolean;
  if (step.mode === 'json') {
    const request = fillRequest(decode(step.text, { exactNumbers: true }), context.bindings, where);
    usesKv = isKvRequest(request);
    text = encode(namespaceRequest(request, context.prefix));
  } else {
    text = fillText(step.text, context.bindings, where);
    usesKv = /"KV_/.test(text);
  }
  if (step.pad) {
    const target = context.maxPayload + (step.pad === 'max+1' ? 1 : 0);
    const size = Buffer.byteLength(text);
    if (size > target) throw new StepFailure(step.line, `${where}: the request is ${size} bytes, more than pad=${step.pad} (${target})`);
    // Trailing whitespace is valid JSON, so the padded request means the same at any size.
    const shown = `${clip(text)} + ${target - size} spaces (${target} bytes)`;
    text += ' '.repeat(target - size);
    return { payload: text, binary: false, shown, usesKv };
  }
  if (step.mode === 'binary') return { payload: Buffer.from(text, 'utf8'), binary: true, shown: `(binary) ${clip(text)}`, usesKv };
  return { payload: text, binary: false, shown: clip(text), usesKv };
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
