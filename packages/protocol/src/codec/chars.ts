/**
 * The character codes the JSON reader (`parse.ts`) and the fast path's scan (`decode.ts`) compare
 * `charCodeAt` results with. A const enum, so the bundle inlines the numbers in both hot loops.
 */
export const enum Ch {
  Tab = 0x09,
  LineFeed = 0x0a,
  CarriageReturn = 0x0d,
  Space = 0x20,
  Quote = 0x22,
  Star = 0x2a,
  Plus = 0x2b,
  Comma = 0x2c,
  Minus = 0x2d,
  Dot = 0x2e,
  Slash = 0x2f,
  Zero = 0x30,
  Nine = 0x39,
  Colon = 0x3a,
  UpperE = 0x45,
  OpenBracket = 0x5b,
  Backslash = 0x5c,
  CloseBracket = 0x5d,
  LowerA = 0x61,
  LowerE = 0x65,
  LowerZ = 0x7a,
  OpenBrace = 0x7b,
  CloseBrace = 0x7d,
}
