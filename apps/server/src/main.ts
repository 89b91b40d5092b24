// Starting and stopping the server process: config → engine → WebSocket server → signals.
import { join } from 'node:path';
import { CONSOLE_DIRECTORY } from '@nemesisdb/console';
import { Engine, FilePersistence, Journal, JournalDamagedError, type DataStore } from '@nemesisdb/engine';
import { DEFAULT_CLOSE_TIMEOUT_MS, startServer, type NemesisServer } from '@nemesisdb/server';
import { VERSION } from './args.js';
import { isCheckCommand, runCheck } from './check.js';
import { resolveConfig, type ResolvedConfig } from './config.js';
import { createLogger, type Logger } from './logging.js';
import { StartupLoadError, loadAtStartup } from './startup-load.js';

/** A started server and how to stop it. */
export interface Running {
  readonly config: ResolvedConfig;
  readonly engine: Engine;
  readonly server: NemesisServer;
  /** Stops gracefully: no new connections, in-flight requests answered, connections closed with 1001. */
  stop(options?: { timeoutMs?: number }): Promise<void>;
}

/**
 * The data store: undefined for the engine's own in-memory one; for "redis", a connected
 * RedisStore (loaded only then, so a memory server never loads the Redis client). A cluster that
 * cannot be reached stops the start, rather than a server that answers 1000 to everything.
 */
async function openStore(config: ResolvedConfig, logger: Logger): Promise<DataStore | undefined> {
  if (config.store.type === 'memory') return undefined;
  const { RedisStore } = await import('@nemesisdb/store-redis');
  const login = config.store.credentials;
  const store = new RedisStore({ nodes: config.store.nodes, keyPrefix: config.store.keyPrefix, ordering: config.store.ordering, ...login });
  try {
    await store.ready();
  } catch (error) {
    await store.close().catch(() => {});
    throw error;
  }
  // Whether a login is used, never the password.
  logger.info(
    {
      nodes: config.store.nodes,
      keyPrefix: config.store.keyPrefix,
      ordering: config.store.ordering,
      login: login?.username ?? (login === undefined ? false : 'default'),
    },
    'connected to the Redis cluster',
  );
  return store;
}

/** Starts an engine and a server with `config`; logs "listening" with the URL once it accepts connections. */
export async function run(config: ResolvedConfig, logger: Logger): Promise<Running> {
  if (config.core !== 0) logger.debug({ core: config.core }, 'config "core" is ignored (Node does not pin threads)');

  // SAVE commands write under persist.path when persist.enabled; LOAD commands read there either way.
  const persistence = new FilePersistence({
    path: config.persist.path,
    enabled: config.persist.enabled,
    onStaleStagingRemoved: (path) => logger.info({ path }, 'removed an unfinished save left by a crash'),
  });
  // Saves a crash interrupted hold space and nothing else (they were never visible): gone at start.
  if (config.persist.enabled) await persistence.removeStaleStaging();
  const store = await openStore(config, logger);
  const engine = new Engine({
    ...(store === undefined ? {} : { store }),
    persistence,
    extensions: config.extensions,
    maxDataBytes: config.maxDataBytes,
    // The client sees only status 1000; the reason goes to the log.
    onCommandError: (error, command) => logger.error({ err: error, command }, 'command failed'),
    onMemoryLimit: (reached, usedBytes) =>
      reached
        ? logger.warn({ usedBytes, maxDataBytes: config.maxDataBytes }, 'maxDataBytes reached: refusing commands that add data')
        : logger.info({ usedBytes, maxDataBytes: config.maxDataBytes }, 'below maxDataBytes again: accepting all commands'),
  });
  let server: NemesisServer;
  let journal: Journal | null = null;
  try {
    // The start-up load happens before the server listens (§11.4): clients never see a partial dataset.
    if (config.load !== undefined) await loadAtStartup(engine, config.load, logger);
    // Then the journal: its checkpoint and logs are newer than any dataset.
    if (config.persist.journal !== undefined) {
      const opened = await Journal.open(engine, { directory: join(config.persist.path, 'journal'), fsync: config.persist.journal, logger });
      journal = opened.journal;
      logger.info({ fsync: config.persist.journal, ...opened.report }, 'journal recovered');
    }
    server = await startServer({
      engine,
      host: config.host,
      port: config.port,
      maxPayload: config.maxPayload,
      maxConnections: config.maxConnections,
      maxBufferedBytes: config.maxBufferedBytes,
      authTokens: config.authTokens,
      tls: config.tls && { cert: config.tls.cert, key: config.tls.key },
      allowedOrigins: config.allowedOrigins,
      // Plain GETs only: the WebSocket path never looks at it.
      staticDirectory: config.console ? CONSOLE_DIRECTORY : undefined,
      logger,
      version: VERSION,
    });
  } catch (error) {
    await journal?.close().catch(() => {});
    await engine.close();
    throw error;
  }
  logger.info(
    {
      url: server.url,
      version: VERSION,
      // Where a browser opens the console (same host and port, plain HTTP or HTTPS).
      console: config.console ? server.url.replace(/^ws/, 'http') : false,
      maxPayload: config.maxPayload,
      maxConnections: config.maxConnections,
      // Whether security is on, never the secrets themselves.
      auth: config.authTokens.length > 0,
      tls: config.tls?.certFile ?? false,
      // JSON says "not set" with null: the line keeps every field, set or not.
      allowedOrigins: config.allowedOrigins ?? null,
      maxDataBytes: config.maxDataBytes ?? null,
      store: config.store.type,
      extensions: config.extensions,
      persist: { ...config.persist, journal: config.persist.journal ?? null },
      configFile: config.configFile ?? null,
    },
    'listening',
  );

  let stopping: Promise<void> | null = null;
  return {
    config,
    engine,
    server,
    stop: (options = {}) =>
      (stopping ??= (async () => {
        await server.close({ timeoutMs: options.timeoutMs ?? DEFAULT_CLOSE_TIMEOUT_MS });
        // A last checkpoint: the next start loads it instead of replaying the log.
        await journal?.close();
        await engine.close();
      })()),
  };
}

export interface SignalOptions {
  /** How long connections get to close before they are cut. */
  closeTimeoutMs?: number;
  /** Exit 1 if stopping takes longer than this (a hung close must not keep the process alive). */
  forceExitMs?: number;
  /** Tests replace these. */
  exit?: (code: number) => void;
  process?: Pick<NodeJS.Process, 'on' | 'off'>;
}

/**
 * SIGINT/SIGTERM: stop gracefully and exit 0; exit 1 if that takes more than `forceExitMs`; a
 * second signal exits 1 at once (the operator asked twice). Upstream saves nothing on shutdown
 * and neither do we. Returns a function removing the handlers.
 *
 * `running` may be the server still starting: the handlers must be in place before "listening"
 * is logged, because whoever reads that line may signal at once (a signal in between would kill
 * the process with Node's default action instead of a clean exit 0).
 */
export function handleSignals(running: Running | Promise<Running>, logger: Logger, options: SignalOptions = {}): () => void {
  const exit = options.exit ?? ((code: number) => process.exit(code));
  const target = options.process ?? process;
  const forceExitMs = options.forceExitMs ?? 10_000;
  let received: NodeJS.Signals | null = null;

  const onSignal = (signal: NodeJS.Signals): void => {
    if (received !== null) {
      logger.warn({ signal }, 'second signal: exiting now');
      exit(1);
      return;
    }
    received = signal;
    logger.info({ signal }, 'shutting down');
    const force = setTimeout(() => {
      logger.error({ forceExitMs }, 'shutdown took too long: exiting');
      exit(1);
    }, forceExitMs);
    void Promise.resolve(running)
      .then((started) => started.stop({ timeoutMs: options.closeTimeoutMs ?? DEFAULT_CLOSE_TIMEOUT_MS }))
      .then(
        () => {
          clearTimeout(force);
          logger.info({}, 'stopped');
          exit(0);
        },
        (error: unknown) => {
          clearTimeout(force);
          logger.error({ err: error }, 'shutdown failed');
          exit(1);
        },
      );
  };
  target.on('SIGINT', onSignal);
  target.on('SIGTERM', onSignal);
  return () => {
    target.off('SIGINT', onSignal);
    target.off('SIGTERM', onSignal);
  };
}

/**
 * The `nemesisdb` command: resolves the settings, starts the server and stops it on a signal.
 * Bad settings print one line to stderr and exit 1 before anything is logged.
 */
export async function main(argv: readonly string[] = process.argv.slice(2), env: NodeJS.ProcessEnv = process.env): Promise<void> {
  if (isCheckCommand(argv)) {
    const result = await runCheck(argv);
    process.stdout.write(result.output);
    process.exitCode = result.code;
    return;
  }
  const result = resolveConfig({ argv, env, cwd: process.cwd() });
  if (result.kind === 'exit') {
    process.stdout.write(result.output);
    process.exitCode = result.code; // no process.exit(): let a piped stdout drain
    return;
  }
  if (result.kind === 'error') {
    process.stderr.write(`${result.error.message}\n`);
    process.exitCode = 1;
    return;
  }
  const { config } = result;
  const logger = createLogger({ level: config.logLevel });
  // A crash is logged as one JSON line like everything else, then the process ends as Node would.
  process.on('uncaughtException', (error) => {
    logger.fatal({ err: error }, 'uncaught exception');
    process.exit(1);
  });
  process.on('unhandledRejection', (reason) => {
    logger.fatal({ err: reason }, 'unhandled promise rejection');
    process.exit(1);
  });

  const starting = run(config, logger);
  handleSignals(starting, logger);
  try {
    await starting;
  } catch (error) {
    if (error instanceof StartupLoadError) {
      logger.fatal({ loadName: config.load?.name, loadPath: config.load?.path }, error.message);
      process.exit(1);
    }
    if (error instanceof JournalDamagedError) {
      // One line that says where, what, and the repair command; the journal is left as it is.
      logger.fatal(
        { path: error.path, offset: error.damage.offset, record: error.damage.number, reason: error.damage.reason },
        error.message,
      );
      process.exit(1);
    }
    const code = (error as NodeJS.ErrnoException).code;
    const why =
      code === 'EADDRINUSE' ? 'the address is in use' : code === 'EADDRNOTAVAIL' ? 'the address is not available here' : undefined;
    logger.fatal({ err: error, host: config.host, port: config.port }, why ? `cannot listen: ${why}` : 'cannot start');
    process.exit(1);
  }
}
