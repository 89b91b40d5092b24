// @nemesisdb/test-utils (private): what several packages' tests need, written once.
export { APP_CLI, AppExitedError, startApp, stopAllApps, type App, type AppOptions } from './app.js';
export {
  CHROMIUM,
  describeInChromium,
  launchChromium,
  type ChromiumLauncher,
  type ChromiumOptions,
  type ChromiumSession,
} from './chromium.js';
export { expectPublicApi, exportNames } from './export-names.js';
export { freePort } from './free-port.js';
export { benchMachine } from './machine.js';
export { cpuSeconds, cpuTimes } from './process-cpu.js';
export { testCertificate, type TestCertificate } from './certificate.js';
export { secureAppFiles, type SecureAppFiles } from './secure-app.js';
export { until } from './until.js';
export { TEST_MASK, collectFrames, writeByteByByte, writeInPieces, wsFrame, type FrameSender, type FrameShape } from './ws-frames.js';
export { wsReceiver, type WsReceiver, type WsReceiverOptions } from './ws-receiver.js';
