// The worker as its own OS process (`workers/worker.ts`, what `npm run worker` runs): the chaos suite
// kills it with SIGKILL as the kernel would on an out-of-memory kill or a power cut (no shutdown
// hook, no graceful drain, in-flight tasks and connections simply gone), and the metrics test
// scrapes it as Prometheus would.
import { spawn, type ChildProcess } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { TEST_AUDIT_ENV } from './audit-env';

const ROOT = join(__dirname, '..', '..');

export interface WorkerProcessOptions {
  taskQueue: string;
  databaseUrl: string;
  /** How the worker reaches the controller (test/support/controller-face.ts `controllerEnvFor`). */
  controllerEnv: Record<string, string>;
  /** A policy file's content (any subset of the policy); the defaults otherwise. */
  policy?: unknown;
  temporalAddress?: string;
  /** More environment for the process (e.g. RRM_METRICS_PORT). */
  env?: Record<string, string>;
}

export class WorkerProcess {
  private child?: ChildProcess;
  private output = '';
  private readonly env: NodeJS.ProcessEnv;
  private readonly policyFile = join(tmpdir(), `rrm-chaos-policy-${randomUUID()}.json`);
  /** How many times a worker of this test was killed with SIGKILL. */
  kills = 0;

  constructor(opts: WorkerProcessOptions) {
    writeFileSync(this.policyFile, JSON.stringify(opts.policy ?? {}));
    const address = opts.temporalAddress ?? process.env.TEMPORAL_ADDRESS;
    if (!address) throw new Error('TEMPORAL_ADDRESS is not set: run the tests with `npm test`');
    this.env = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      ...TEST_AUDIT_ENV,
      TEMPORAL_ADDRESS: address,
      TEMPORAL_TASK_QUEUE: opts.taskQueue,
      DATABASE_URL: opts.databaseUrl,
      ...opts.controllerEnv,
      RRM_POLICY_FILE: this.policyFile,
      LOG_LEVEL: 'info',
      ...opts.env,
    };
  }

  /** The running process's id (undefined while none runs). */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** Starts a worker process and resolves once it polls the task queue. */
  async start(): Promise<void> {
    if (this.child) throw new Error('a worker process of this test is already running');
    const child = spawn(process.execPath, ['--import', 'tsx', 'workers/worker.ts'], {
      cwd: ROOT,
      env: this.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    this.output = '';
    const started = new Promise<void>((resolve, reject) => {
      const onData = (chunk: Buffer) => {
        this.output = (this.output + chunk.toString()).slice(-20_000);
        if (this.output.includes('"msg":"worker started"')) resolve();
      };
      child.stdout!.on('data', onData);
      child.stderr!.on('data', onData);
      child.once('exit', (code, signal) =>
        reject(new Error(`worker exited (${signal ?? code}) before it started:\n${this.output}`)),
      );
    });
    const timeout = setTimeout(() => child.kill('SIGKILL'), 60_000);
    try {
      await started;
    } finally {
      clearTimeout(timeout);
    }
  }

  /** SIGKILL, and waits until the process is gone. */
  async kill(): Promise<void> {
    if (!this.child) throw new Error('no worker process to kill');
    this.kills++;
    await this.end();
  }

  /** Ends the process at the end of a test (SIGKILL too: nothing to drain); not counted as a kill. */
  async stop(): Promise<void> {
    if (this.child) await this.end();
    rmSync(this.policyFile, { force: true });
  }

  private async end(): Promise<void> {
    const child = this.child!;
    this.child = undefined;
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  }
}
