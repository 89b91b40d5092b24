// A real Redis Cluster for tests (exported as @nemesisdb/store-redis/testing): N masters with one
// replica each, as `redis-server` processes on free loopback ports in a temporary directory,
// created with `redis-cli --cluster create`, and torn down (processes killed, directory removed)
// by `stop()`.

import { spawn, spawnSync, execFile, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';

const run = promisify(execFile);
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export interface RedisTools {
  server: string;
  cli: string;
}

/** The install line CI needs when Redis is absent (Debian/Ubuntu). */
export const REDIS_INSTALL_HINT = 'apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y redis-server';

/**
 * `redis-server` and `redis-cli` on the PATH, else Valkey's `valkey-server` and `valkey-cli` (the
 * same protocol and cluster commands), or undefined when neither pair is installed.
 */
export function findRedis(): RedisTools | undefined {
  const which = (name: string) => {
    const found = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' });
    return found.status === 0 ? found.stdout.trim() : undefined;
  };
  for (const [serverName, cliName] of [
    ['redis-server', 'redis-cli'],
    ['valkey-server', 'valkey-cli'],
  ] as const) {
    const server = which(serverName);
    const cli = which(cliName);
    if (server !== undefined && cli !== undefined) return { server, cli };
  }
  return undefined;
}

export interface ClusterNodeProcess {
  port: number;
  busPort: number;
  process: ChildProcess;
  /** Set once the process has exited. */
  exited: boolean;
}

/** Every process started by this module, killed on exit whatever happens to the tests. */
const everyProcess = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of everyProcess) child.kill('SIGKILL');
});

/** Distinct free loopback ports (held open together while chosen, so none repeats). */
async function freePorts(count: number): Promise<number[]> {
  const servers: Server[] = [];
  try {
    for (let i = 0; i < count; i++) {
      const server = createServer();
      servers.push(server);
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(0, '127.0.0.1', () => resolve());
      });
    }
    return servers.map((server) => (server.address() as { port: number }).port);
  } finally {
    await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  }
}

export interface StartOptions {
  masters?: number;
  /** Every node requires this password (`requirepass`, and `masterauth` for its replica). */
  password?: string;
  /** How long a node may be unreachable before it is failed over (the test's failover speed). */
  nodeTimeoutMs?: number;
}

export class RedisCluster {
  private constructor(
    readonly tools: RedisTools,
    readonly dir: string,
    readonly nodes: ClusterNodeProcess[],
    /** The nodes' password, if they require one. */
    readonly password?: string,
  ) {}

  /** redis-cli's login arguments (none without a password). */
  private get auth(): string[] {
    return this.password === undefined ? [] : ['-a', this.password, '--no-auth-warning'];
  }

  static async start(tools: RedisTools, options: StartOptions = {}): Promise<RedisCluster> {
    const masters = options.masters ?? 3;
    const count = masters * 2;
    const dir = mkdtempSync(join(tmpdir(), 'nemesisdb-redis-'));
    const ports = await freePorts(count * 2);
    const nodes: ClusterNodeProcess[] = [];
    const cluster = new RedisCluster(tools, dir, nodes, options.password);
    const password = options.password === undefined ? [] : ['--requirepass', options.password, '--masterauth', options.password];
    try {
      for (let i = 0; i < count; i++) {
        const port = ports[i]!;
        const busPort = ports[count + i]!;
        // prettier-ignore
        const child = spawn(tools.server, [
          '--port', String(port), '--bind', '127.0.0.1', '--protected-mode', 'no',
          '--cluster-enabled', 'yes', '--cluster-config-file', `nodes-${port}.conf`,
          '--cluster-port', String(busPort), '--cluster-node-timeout', String(options.nodeTimeoutMs ?? 1000),
          '--appendonly', 'no', '--save', '', '--dir', dir, '--logfile', `redis-${port}.log`, '--daemonize', 'no', ...password,
        ], { stdio: 'ignore' });
        const node: ClusterNodeProcess = { port, busPort, process: child, exited: false };
        everyProcess.add(child);
        child.once('exit', () => {
          node.exited = true;
          everyProcess.delete(child);
        });
        nodes.push(node);
      }
      await Promise.all(
        nodes.map((node) =>
          cluster.waitFor(() => cluster.cli(node.port, 'ping').then((out) => out.trim() === 'PONG'), `node ${node.port} to start`),
        ),
      );
      const addresses = nodes.map((node) => `127.0.0.1:${node.port}`);
      await run(tools.cli, [...cluster.auth, '--cluster', 'create', ...addresses, '--cluster-replicas', '1', '--cluster-yes'], {
        timeout: 30_000,
      });
      await cluster.waitHealthy();
      return cluster;
    } catch (error) {
      await cluster.stop();
      throw error;
    }
  }

  /** Seed nodes for a client. */
  get seeds(): { host: string; port: number }[] {
    return this.nodes.filter((node) => !node.exited).map((node) => ({ host: '127.0.0.1', port: node.port }));
  }

  /** Runs redis-cli against one node; resolves with its output. */
  async cli(port: number, ...args: string[]): Promise<string> {
    const { stdout } = await run(this.tools.cli, [...this.auth, '-h', '127.0.0.1', '-p', String(port), ...args], { timeout: 5000 });
    return stdout;
  }

  /** Ports of the nodes that are masters now (as the live nodes see it). */
  async masters(): Promise<number[]> {
    const live = this.nodes.find((node) => !node.exited)!;
    const lines = (await this.cli(live.port, 'cluster', 'nodes')).trim().split('\n');
    return lines.filter((line) => /\bmaster\b/.test(line) && !/\bfail\b/.test(line)).map((line) => Number(/:(\d+)@/.exec(line)![1]));
  }

  /** Port of the master that owns the slot of `key` now (as a live node sees it). */
  async masterOf(key: string): Promise<number> {
    const live = this.nodes.find((node) => !node.exited)!;
    const client = new Redis({ host: '127.0.0.1', port: live.port, lazyConnect: true, maxRetriesPerRequest: 1, password: this.password });
    try {
      await client.connect();
      const slot = Number(await client.cluster('KEYSLOT', key));
      const ranges = await client.cluster('SLOTS');
      const owner = ranges.find(([from, to]) => slot >= from && slot <= to)?.[2];
      if (owner === undefined) throw new Error(`no owner for slot ${slot}`);
      return owner[1];
    } finally {
      client.disconnect();
    }
  }

  /** SIGKILL one node (no goodbye to the cluster: its peers must notice and fail it over). */
  async kill(port: number): Promise<void> {
    const node = this.nodes.find((candidate) => candidate.port === port);
    if (node === undefined || node.exited) return;
    const exited = new Promise((resolve) => node.process.once('exit', resolve));
    node.process.kill('SIGKILL');
    await exited;
  }

  /**
   * Until every live node says `cluster_state:ok` with all slots covered, every replica's link to
   * its master is up, and `redis-cli --cluster check` finds the nodes agreeing.
   */
  async waitHealthy(timeoutMs = 30_000): Promise<void> {
    const live = () => this.nodes.filter((node) => !node.exited);
    await this.waitFor(
      async () => {
        for (const node of live()) {
          const info = await this.cli(node.port, 'cluster', 'info');
          if (!info.includes('cluster_state:ok') || !info.includes('cluster_slots_ok:16384')) return false;
          const replication = await this.cli(node.port, 'info', 'replication');
          if (replication.includes('role:slave') && !replication.includes('master_link_status:up')) return false;
        }
        const check = await run(this.tools.cli, [...this.auth, '--cluster', 'check', `127.0.0.1:${live()[0]!.port}`], {
          timeout: 5000,
        }).then(
          ({ stdout }) => stdout,
          () => '',
        );
        return check.includes('[OK] All nodes agree about slots configuration.') && check.includes('[OK] All 16384 slots covered.');
      },
      'the cluster to be healthy',
      timeoutMs,
    );
  }

  /**
   * After a master was killed: until its slots are served again (a replica promoted), as every
   * live node sees it: `cluster_state:ok`, all slots ok, and `key`'s slot owned by another port.
   */
  async waitFailedOver(deadPort: number, key: string, timeoutMs = 30_000): Promise<void> {
    await this.waitFor(
      async () => {
        for (const node of this.nodes.filter((candidate) => !candidate.exited)) {
          const info = await this.cli(node.port, 'cluster', 'info');
          if (!info.includes('cluster_state:ok') || !info.includes('cluster_slots_ok:16384')) return false;
        }
        return (await this.masterOf(key)) !== deadPort;
      },
      `a replica of ${deadPort} to be promoted`,
      timeoutMs,
    );
  }

  /** Until the master at `port` has every write acknowledged by its replica (offsets equal). */
  async waitReplicated(port: number, timeoutMs = 10_000): Promise<void> {
    await this.waitFor(
      async () => {
        const info = await this.cli(port, 'info', 'replication');
        const offset = /master_repl_offset:(\d+)/.exec(info)?.[1];
        const replica = /slave0:.*offset=(\d+)/.exec(info)?.[1];
        return offset !== undefined && offset === replica;
      },
      `the replica of ${port} to catch up`,
      timeoutMs,
    );
  }

  /** Kills every process and removes the directory. */
  async stop(): Promise<void> {
    await Promise.all(this.nodes.map((node) => this.kill(node.port)));
    rmSync(this.dir, { recursive: true, force: true });
  }

  private async waitFor(test: () => Promise<boolean>, what: string, timeoutMs = 15_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let lastError: unknown;
    while (Date.now() < deadline) {
      try {
        if (await test()) return;
      } catch (error) {
        lastError = error;
      }
      await sleep(100);
    }
    throw new Error(`timed out waiting for ${what}${lastError instanceof Error ? ` (last error: ${lastError.message})` : ''}`);
  }
}
