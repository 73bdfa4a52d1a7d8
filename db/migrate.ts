// Applies the SQL migrations of db/migrations/ (node-pg-migrate). Run directly (`tsx db/migrate.ts`)
// it migrates the database of DATABASE_URL.
import path from 'node:path';

/** The part of node-pg-migrate's runner options we use (its typings need `moduleResolution: node16`). */
interface RunnerOptions {
  databaseUrl: string;
  dir: string;
  migrationsTable: string;
  direction: 'up' | 'down';
  checkOrder: boolean;
  advisoryLockMode: 'wait' | 'fail';
  log: (message: string) => void;
}
type Runner = (options: RunnerOptions) => Promise<unknown[]>;

const MIGRATIONS_DIR = path.join(__dirname, 'migrations');

// node-pg-migrate (v8+) is ESM-only. Node >= 20.19 can require() it, but jest's module registry
// cannot, so it is loaded through Node's own loader: the same behaviour under tsx, node and jest.
function loadRunner(): Runner {
  const nodeModule = process.getBuiltinModule('node:module');
  const nodeRequire = nodeModule.createRequire(__filename);
  return (nodeRequire('node-pg-migrate') as { runner: Runner }).runner;
}

/**
 * Brings the database up to the latest migration. Idempotent; safe when several processes run it at
 * once: node-pg-migrate takes a PostgreSQL advisory lock, and `wait` makes latecomers queue behind it
 * (then find nothing left to do) instead of failing.
 */
export async function migrate(databaseUrl: string, log: (message: string) => void = () => {}): Promise<void> {
  await loadRunner()({
    databaseUrl,
    dir: MIGRATIONS_DIR,
    migrationsTable: 'pgmigrations',
    direction: 'up',
    checkOrder: true,
    advisoryLockMode: 'wait',
    log,
  });
}

if (require.main === module) {
  const url = process.env.DATABASE_URL;
  if (!url) {
    console.error('DATABASE_URL is not set (run `eval "$(bash scripts/postgres.sh start rrm)"` first)');
    process.exit(1);
  }
  migrate(url, (message) => console.log(message)).then(
    () => console.log('migrations: up to date'),
    (error: unknown) => {
      console.error(`migration failed: ${error instanceof Error ? error.message : String(error)}`);
      process.exit(1);
    },
  );
}
