// Pools for long-running processes. An idle connection that PostgreSQL closes (a restart, a failover,
// pg_terminate_backend) makes pg emit 'error' on the pool; unhandled, that ends the whole process.
// The pool replaces the connection on next use, and activities that hit the outage are retried.
import { Pool } from 'pg';
import { logger } from '../config/logger';

/** `applicationName` names the process in pg_stat_activity (e.g. `rrm-worker`). */
export function createPool(connectionString: string, max: number, applicationName: string): Pool {
  const pool = new Pool({ connectionString, max, application_name: applicationName });
  pool.on('error', (err) =>
    logger.warn({ err: err.message }, 'PostgreSQL closed an idle connection; it is replaced on next use'),
  );
  return pool;
}
