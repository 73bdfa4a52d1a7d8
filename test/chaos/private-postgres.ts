// A PostgreSQL cluster of the test's own (scripts/postgres.sh with RRM_PG_DIR), which the test may
// stop and start: stopping the suite's shared server would fail the test files running beside it.
// Its port is outside the ephemeral range (freeLoopbackPort), so no client reconnecting while it is
// down can hold the port it comes back on.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { migrate } from '../../db/migrate';
import { freeLoopbackPort } from '../../workers/telemetry';

const run = promisify(execFile);
const SCRIPT = join(__dirname, '..', '..', 'scripts', 'postgres.sh');

export interface PrivatePostgres {
  url: string;
  /** `pg_ctl stop -m fast`: sessions are ended and new connections refused until `start`. */
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Stops the cluster and deletes its files. */
  remove(): Promise<void>;
}

export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  const dir = mkdtempSync(join(tmpdir(), 'rrm-chaos-pg-'));
  // DATABASE_URL set means "use that server" to the script: clear it. A port of its own, not the
  // script's default, which the suite's shared cluster may be taking at the same moment.
  const env = {
    ...process.env,
    DATABASE_URL: '',
    RRM_PG_DIR: dir,
    RRM_PG_PORT: String(await freeLoopbackPort()),
  };
  const script = async (...args: string[]) => (await run('bash', [SCRIPT, ...args], { env })).stdout;
  const started = await script('start', 'chaos');
  const url = /DATABASE_URL='([^']+)'/.exec(started)?.[1];
  if (!url) throw new Error(`scripts/postgres.sh printed no DATABASE_URL: ${started}`);
  await migrate(url, () => undefined);
  return {
    url,
    stop: async () => void (await script('stop')),
    start: async () => {
      const again = /DATABASE_URL='([^']+)'/.exec(await script('start', 'chaos'))?.[1];
      if (again !== url) throw new Error(`PostgreSQL came back at ${again}, not ${url}`);
    },
    remove: async () => {
      await script('stop');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
