// The ingest's costly reads are bounded: /v1/stats is shared by the callers of a few seconds, and the
// floor gives the controller a time limit.
import { createServer, type Server, type Socket } from 'node:net';
import { Client, Connection } from '@temporalio/client';
import { cachedFor } from '../../client/http-ingest/cached';
import { collectFloor, RrmClient } from '../../client/library';
import { createSimulatorController } from '../../activities/controller/simulator';

describe('a cached answer', () => {
  afterEach(() => jest.useRealTimers());

  it('is shared while it comes and for its time, then loaded again; a failure is not kept', async () => {
    jest.useFakeTimers();
    let loads = 0;
    let fail = false;
    const load = jest.fn(async () => {
      loads++;
      if (fail) throw new Error('down');
      return loads;
    });
    const stats = cachedFor(5_000, load);
    const [a, b] = await Promise.all([stats(), stats()]);
    expect([a, b, load.mock.calls.length]).toEqual([1, 1, 1]);
    jest.advanceTimersByTime(4_000);
    expect(await stats()).toBe(1);
    jest.advanceTimersByTime(1_500);
    fail = true;
    await expect(stats()).rejects.toThrow('down');
    fail = false;
    expect(await stats()).toBe(3);
  });
});

describe('the floor', () => {
  let silent: Server;
  const sockets: Socket[] = [];
  beforeAll(async () => {
    // A controller that takes the connection and never answers.
    silent = createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  });
  afterAll(async () => {
    sockets.forEach((s) => s.destroy());
    await new Promise((resolve) => silent.close(resolve));
  });

  it('gives up on a controller that does not answer, within seconds', async () => {
    const { port } = silent.address() as { port: number };
    const rrm = new RrmClient(
      new Client({ connection: Connection.lazy({ address: '127.0.0.1:1', connectTimeout: 500 }) }),
      'unit-test',
    );
    const started = Date.now();
    const controllerUrl = `http://127.0.0.1:${port}`;
    await expect(collectFloor(rrm, createSimulatorController(controllerUrl), controllerUrl)).rejects.toThrow(
      /abort|timeout/i,
    );
    expect(Date.now() - started).toBeLessThan(15_000);
  }, 20_000);
});
