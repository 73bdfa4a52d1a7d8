// A self-hosted Temporal cluster of the test's own (scripts/temporal-cluster.sh start --ephemeral, on
// the suite's PostgreSQL server with databases of its own), whose service processes the test may kill
// with SIGKILL and start again on the same ports: killing a service of the run's shared cluster would
// fail the test files running beside it. Its ports are outside the ephemeral range (free_port), so a
// client reconnecting while a service is down cannot hold them.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const SCRIPT = join(__dirname, '..', '..', 'scripts', 'temporal-cluster.sh');

export type ClusterService = 'frontend' | 'history' | 'matching' | 'worker';

export interface PrivateCluster {
  /** The frontend's address. */
  address: string;
  /** The gRPC port of a service. */
  port(service: ClusterService): number;
  /** SIGKILL of one service's process, as in an out-of-memory kill or a lost machine; resolves once
   * it is gone and its port closed. */
  kill(service: ClusterService): Promise<void>;
  /** Whether anything accepts connections on a service's gRPC port. */
  listening(service: ClusterService): Promise<boolean>;
  /** Starts a killed service again, same settings and ports; resolves once it listens. */
  start(service: ClusterService): Promise<void>;
  /** Stops every process and drops the cluster's databases. */
  remove(): Promise<void>;
}

export async function startPrivateCluster(): Promise<PrivateCluster> {
  const { stdout } = await run('bash', [SCRIPT, 'start', '--ephemeral'], {
    env: process.env,
    maxBuffer: 10 * 1024 * 1024,
  });
  const address = /TEMPORAL_ADDRESS='([^']+)'/.exec(stdout)?.[1];
  const dir = /TEMPORAL_CLUSTER_DIR='([^']+)'/.exec(stdout)?.[1];
  if (!address || !dir)
    throw new Error(`scripts/temporal-cluster.sh printed no address or folder: ${stdout}`);
  const settings = Object.fromEntries(
    readFileSync(join(dir, 'cluster.env'), 'utf8')
      .split('\n')
      .map((line) => /^([A-Z_]+)='(.*)'$/.exec(line))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => [m[1], m[2]]),
  );
  const port = (service: ClusterService) => Number(settings[`${service.toUpperCase()}_GRPC_PORT`]);
  const pid = (service: ClusterService) => Number(readFileSync(join(dir, `${service}.pid`), 'utf8'));
  const listening = (service: ClusterService) =>
    new Promise<boolean>((resolve) => {
      const socket = connect(port(service), '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
  return {
    address,
    port,
    listening,
    async kill(service) {
      const p = pid(service);
      process.kill(p, 'SIGKILL');
      // Its main thread turns zombie before the others have exited and closed its sockets.
      for (let waited = 0; alive(p) || (await listening(service)); waited += 50) {
        if (waited > 5_000) throw new Error(`the ${service} service (pid ${p}) outlived SIGKILL`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    async start(service) {
      await run('bash', [SCRIPT, 'start-service', service, dir], { env: process.env });
    },
    async remove() {
      await run('bash', [SCRIPT, 'stop', dir], { env: process.env }).catch(() => undefined);
    },
  };
}

/** Whether the process runs: not gone, and not a zombie waiting to be reaped. */
function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}
