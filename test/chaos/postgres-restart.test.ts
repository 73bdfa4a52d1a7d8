// PostgreSQL stopped while a client reconnects in a tight loop, as a worker does, then started again
// on the same port: it must start. On a port inside the kernel's ephemeral range the client could
// connect to itself on that port (127.0.0.1:P ↔ 127.0.0.1:P) and hold it, and every start then
// failed with "could not bind … Address already in use" until the client was killed. The cluster is
// the test's own (test/chaos/private-postgres.ts).
import { connect, type Socket } from 'node:net';
import { Client } from 'pg';
import { ephemeralPortRange } from '../../workers/telemetry';
import { startPrivatePostgres, type PrivatePostgres } from './private-postgres';

/** Connects to 127.0.0.1:`port` again as soon as a connection fails or ends, until stopped. */
function reconnectingClient(port: number) {
  let stopped = false;
  let socket: Socket | undefined;
  const seen = { attempts: 0, selfConnects: 0 };
  const attempt = (): void => {
    if (stopped) return;
    seen.attempts++;
    const s = connect(port, '127.0.0.1');
    socket = s;
    s.once('connect', () => {
      if (s.localPort === s.remotePort) seen.selfConnects++;
    });
    s.once('error', () => undefined);
    // A connection held open (a self-connect never ends) keeps its port until it closes.
    s.once('close', () => setImmediate(attempt));
  };
  attempt();
  return {
    seen,
    stop() {
      stopped = true;
      socket?.destroy();
    },
  };
}

describe('PostgreSQL restarted while a client keeps reconnecting', () => {
  let pg: PrivatePostgres;
  beforeAll(async () => {
    pg = await startPrivatePostgres();
  });
  afterAll(() => pg?.remove());

  it('listens outside the ephemeral range and starts again on the same port', async () => {
    const port = Number(new URL(pg.url).port);
    const { low, high } = ephemeralPortRange();
    expect(port < low || port > high).toBe(true);

    await pg.stop();
    // Started once it is down: a connection it held to the running server would hold up the stop
    // (PostgreSQL waits up to authentication_timeout for a client that never says who it is).
    const client = reconnectingClient(port);
    try {
      await new Promise((r) => setTimeout(r, 3_000));
      const attemptsWhileDown = client.seen.attempts;
      await pg.start();
      expect(attemptsWhileDown).toBeGreaterThan(100);
      expect(client.seen.selfConnects).toBe(0);
    } finally {
      client.stop();
    }
    const db = new Client({ connectionString: pg.url });
    await db.connect();
    try {
      expect((await db.query<{ one: number }>('select 1 as one')).rows).toEqual([{ one: 1 }]);
    } finally {
      await db.end();
    }
  }, 120_000);
});
