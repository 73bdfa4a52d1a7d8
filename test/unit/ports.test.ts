// Ports of the services the stack stops and starts again stay outside the kernel's ephemeral range,
// where a client reconnecting while the service is down could hold the port (even connected to
// itself). The TypeScript probe (workers/telemetry.ts) and the shell's (scripts/lib.sh) agree.
import { execFileSync } from 'node:child_process';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { ephemeralPortRange, freeLoopbackPort, restartablePorts } from '../../workers/telemetry';

const LIB = join(__dirname, '..', '..', 'scripts', 'lib.sh');
const shell = (script: string): number[] =>
  execFileSync('bash', ['-c', `source "${LIB}"; ${script}`], { encoding: 'utf8' })
    .trim()
    .split('\n')
    .map(Number);

const machine = ephemeralPortRange();
const outsideEphemeral = (port: number) => port < machine.low || port > machine.high;

describe('the ephemeral port range', () => {
  it("reads the kernel's, and falls back to Linux's default", () => {
    expect(ephemeralPortRange('32768\t60999\n')).toEqual({ low: 32768, high: 60999 });
    expect(ephemeralPortRange('49152 65535')).toEqual({ low: 49152, high: 65535 });
    for (const text of ['', 'garbage', '60999 32768', '0 100', '1024 70000'])
      expect(ephemeralPortRange(text)).toEqual({ low: 32768, high: 60999 });
  });

  it('leaves ports from 10000 up to it, or above it when it starts lower', () => {
    expect(restartablePorts({ low: 32768, high: 60999 })).toEqual({ from: 10000, to: 32767 });
    expect(restartablePorts({ low: 49152, high: 65535 })).toEqual({ from: 10000, to: 49151 });
    expect(restartablePorts({ low: 1024, high: 40000 })).toEqual({ from: 40001, to: 65535 });
    expect(() => restartablePorts({ low: 1024, high: 65535 })).toThrow(/leaves no port/);
  });
});

describe('freeLoopbackPort', () => {
  it('never picks a port inside the ephemeral range, and the port can be listened on', async () => {
    const ports = await Promise.all(Array.from({ length: 50 }, () => freeLoopbackPort()));
    expect(ports.filter((p) => !outsideEphemeral(p))).toEqual([]);
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(ports[0], '127.0.0.1', resolve));
    await new Promise((resolve) => server.close(resolve));
  });
});

describe("the shell's free_port and port_or_free (scripts/lib.sh)", () => {
  let taken: Server;
  let takenPort: number;
  beforeAll(async () => {
    takenPort = await freeLoopbackPort();
    taken = createServer();
    await new Promise<void>((resolve) => taken.listen(takenPort, '127.0.0.1', resolve));
  });
  afterAll(() => new Promise((resolve) => taken.close(resolve)));

  it('free_port never picks a port inside the ephemeral range', () => {
    const ports = shell('for i in {1..50}; do free_port; done');
    expect(ports).toHaveLength(50);
    expect(ports.filter((p) => !outsideEphemeral(p) || p < 1024)).toEqual([]);
  });

  it('port_or_free keeps a free port outside the range, and replaces a taken one or one inside it', async () => {
    const free = await freeLoopbackPort();
    expect(shell(`port_or_free ${free}`)).toEqual([free]);
    const [replacedTaken] = shell(`port_or_free ${takenPort}`);
    expect(replacedTaken).not.toBe(takenPort);
    expect(outsideEphemeral(replacedTaken)).toBe(true);
    // Inside the range, as scripts/postgres.sh's old default 55432 is in Linux's default one.
    const [replacedInside] = shell(`port_or_free ${Math.floor((machine.low + machine.high) / 2)}`);
    expect(outsideEphemeral(replacedInside)).toBe(true);
  });
});
