// The Temporal SDK's Runtime for a process that runs workers: its Prometheus exporter when the loop
// serves metrics (RRM_METRICS_PORT), on a loopback port that only workers/metrics.ts reads. The
// Runtime is installed once, before any connection is made. Its port comes from the free-port probe
// below, which the tests also use for the servers they stop and start again.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { Runtime, type Logger } from '@temporalio/worker';

/** Installs the Runtime; returns the SDK exporter's URL when metrics are on. */
export async function installRuntime(opts: {
  metrics: boolean;
  logger?: Logger;
}): Promise<string | undefined> {
  const port = opts.metrics ? await freeLoopbackPort() : undefined;
  Runtime.install({
    ...(opts.logger ? { logger: opts.logger } : {}),
    ...(port ? { telemetryOptions: { metrics: { prometheus: { bindAddress: `127.0.0.1:${port}` } } } } : {}),
  });
  return port ? `http://127.0.0.1:${port}/metrics` : undefined;
}

/** Linux's default ephemeral port range, for when the kernel's cannot be read. */
const DEFAULT_EPHEMERAL_RANGE = { low: 32768, high: 60999 };

/**
 * The kernel's ephemeral port range, where outgoing connections take their local port: a server
 * restarted on a port inside it can find the port held by a client that kept reconnecting, even by
 * one connected to itself (a TCP self-connect). `text` is /proc/sys/net/ipv4/ip_local_port_range's.
 */
export function ephemeralPortRange(text?: string): { low: number; high: number } {
  let content = text;
  if (content === undefined) {
    try {
      content = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8');
    } catch {
      return DEFAULT_EPHEMERAL_RANGE;
    }
  }
  const match = /^(\d+)\s+(\d+)$/.exec(content.trim());
  const [low, high] = match ? [Number(match[1]), Number(match[2])] : [0, 0];
  return low > 0 && low <= high && high <= 65_535 ? { low, high } : DEFAULT_EPHEMERAL_RANGE;
}

/** Ports a service may listen on and keep across restarts: [10000, low), else above the range. */
export function restartablePorts(range = ephemeralPortRange()): { from: number; to: number } {
  if (range.low > 10_000) return { from: 10_000, to: range.low - 1 };
  if (range.high < 65_535) return { from: range.high + 1, to: 65_535 };
  throw new Error(
    `the ephemeral port range ${range.low}-${range.high} leaves no port to restart a service on`,
  );
}

/**
 * A port nothing listens on at 127.0.0.1 right now, picked at random outside the ephemeral range
 * (`restartablePorts`) so a service can be started on it again. The shell's twin is free_port
 * (scripts/lib.sh).
 */
export async function freeLoopbackPort(): Promise<number> {
  const { from, to } = restartablePorts();
  for (let attempt = 0; attempt < 100; attempt++) {
    const port = from + Math.floor(Math.random() * (to - from + 1));
    if (await canListen(port)) return port;
  }
  throw new Error(`no free port found in ${from}-${to}`);
}

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
}
