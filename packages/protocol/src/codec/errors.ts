/** Why a text was not accepted as JSON. */
export type JsonDecodeFailure =
  /** Not JSON as NemesisDB reads it (syntax error, trailing garbage, trailing comma, NaN, …). */
  | 'syntax'
  /** Arrays and objects nested deeper than {@link MAX_NESTING_DEPTH}. */
  | 'depth';

/** Deepest nesting of arrays and objects accepted, as upstream's JSON parser (jsoncons) allows. */
export const MAX_NESTING_DEPTH = 1024;

/**
 * Thrown by {@link decode} for any text NemesisDB does not accept as JSON. A server answers it with
 * status 3 (JsonInvalid) in an `ERR` envelope.
 */
export class JsonDecodeError extends Error {
  override readonly name = 'JsonDecodeError';

  constructor(
    readonly failure: JsonDecodeFailure,
    message: string,
    /** Offset in the text (UTF-16 code units) where decoding failed, when known. */
    readonly position?: number,
  ) {
    super(message);
  }
}
