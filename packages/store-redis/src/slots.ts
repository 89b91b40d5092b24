// The cluster slot of a session's keys, from its token's digits.
//
// A session's keys are `<prefix>{s:<digits>}:meta` and `…:data` (keys.ts): Redis hashes only the
// hash tag, `s:<digits>`, with CRC16 (XMODEM) modulo 16384. cluster-key-slot computes the same
// from the whole key, but first copies it into an array of UTF-8 bytes: with the token's digits
// made once per call instead of twice, the batch path's per-call key work went from ~270 to
// ~80 ns (cluster-key-slot over the tag alone: ~185 ns). It stays the oracle in slots.test.ts.

/** CRC16-CCITT (XMODEM: polynomial 0x1021, initial 0), one entry per byte value. */
const CRC16_TABLE = (() => {
  const table = new Uint16Array(256);
  for (let byte = 0; byte < 256; byte++) {
    let crc = byte << 8;
    for (let bit = 0; bit < 8; bit++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
    table[byte] = crc;
  }
  return table;
})();

const S = 0x73; // 's'
const COLON = 0x3a; // ':'

/** The slot of the session whose token is written `digits` (ASCII digits only). */
export function sessionSlot(digits: string): number {
  let crc = CRC16_TABLE[S]!; // the CRC of "s" (from 0)
  crc = ((crc << 8) & 0xffff) ^ CRC16_TABLE[((crc >> 8) ^ COLON) & 0xff]!;
  for (let i = 0; i < digits.length; i++) crc = ((crc << 8) & 0xffff) ^ CRC16_TABLE[((crc >> 8) ^ digits.charCodeAt(i)) & 0xff]!;
  return crc & 16383;
}
