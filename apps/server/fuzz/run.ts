// `pnpm fuzz`: a long live-fuzzing run (1M frames unless FUZZ_FRAMES says otherwise).
import { fuzz } from './live-fuzz.js';

const frames = Number(process.env.FUZZ_FRAMES ?? 1_000_000);
const started = Date.now();
let lastPrint = 0;
const report = await fuzz({
  frames,
  connections: 8,
  // Coalesced by default: frames sharing reads and cut across them (FUZZ_WRITES=per-frame: one write each).
  writes: process.env.FUZZ_WRITES === 'per-frame' ? 'per-frame' : 'coalesced',
  seed: process.env.FUZZ_SEED === undefined ? undefined : Number(process.env.FUZZ_SEED),
  onProgress: (progress) => {
    if (Date.now() - lastPrint < 5000) return;
    lastPrint = Date.now();
    console.log(
      `${progress.frames.toLocaleString()} frames, ${progress.replies.toLocaleString()} replies, ${progress.closes} closes, peak RSS ${progress.peakRssMiB.toFixed(0)} MiB`,
    );
  },
});
console.log(`\nnemesisdb live fuzz (${((Date.now() - started) / 1000).toFixed(0)} s)`);
console.table([{ ...report, peakRssMiB: Math.round(report.peakRssMiB) }]);
if (report.crashes > 0 || report.unanswered > 0 || report.wellBehavedFailures > 0) process.exitCode = 1;
