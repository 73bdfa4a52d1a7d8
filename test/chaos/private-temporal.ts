// A Temporal dev server of the test's own, keeping its history in a file (scripts/temporal.sh with
// RRM_STATE_DIR), which the test may kill and start again on the same file and port: killing the
// suite's shared server would fail the test files running beside it. Its ports are outside the
// ephemeral range (freeLoopbackPort), so a worker reconnecting while it is down cannot hold them.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freeLoopbackPort } from '../../workers/telemetry';

const run = promisify(execFile);
const SCRIPT = join(__dirname, '..', '..', 'scripts', 'temporal.sh');

export interface PrivateTemporal {
  address: string;
  /** SIGKILL: the server dies as in a power cut, mid-write. */
  kill(): Promise<void>;
  /** Whether anything accepts connections on its port. */
  listening(): Promise<boolean>;
  /** Starts it again on the same history file and port. */
  start(): Promise<void>;
  remove(): Promise<void>;
}

export async function startPrivateTemporal(): Promise<PrivateTemporal> {
  const dir = mkdtempSync(join(tmpdir(), 'rrm-chaos-temporal-'));
  const env = {
    ...process.env,
    RRM_STATE_DIR: dir,
    TEMPORAL_PORT: String(await freeLoopbackPort()),
    TEMPORAL_UI_PORT: String(await freeLoopbackPort()),
  };
  const start = async () => {
    const { stdout } = await run('bash', [SCRIPT, 'start'], { env });
    const address = /TEMPORAL_ADDRESS='([^']+)'/.exec(stdout)?.[1];
    if (!address) throw new Error(`scripts/temporal.sh printed no TEMPORAL_ADDRESS: ${stdout}`);
    return address;
  };
  const address = await start();
  const pid = () => Number(readFileSync(join(dir, 'temporal.pid'), 'utf8'));
  return {
    address,
    async kill() {
      const p = pid();
      process.kill(p, 'SIGKILL');
      // A zombie (no init reaping it) still answers kill 0: give it a few seconds, not forever.
      for (let waited = 0; alive(p) && waited < 5_000; waited += 50)
        await new Promise((r) => setTimeout(r, 50));
    },
    listening() {
      const [host, port] = address.split(':');
      return new Promise<boolean>((resolve) => {
        const socket = connect(Number(port), host);
        socket.once('connect', () => {
          socket.destroy();
          resolve(true);
        });
        socket.once('error', () => resolve(false));
      });
    },
    async start() {
      const again = await start();
      if (again !== address) throw new Error(`Temporal came back at ${again}, not ${address}`);
    },
    async remove() {
      await run('bash', [SCRIPT, 'stop', join(dir, 'temporal.pid')], { env }).catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
