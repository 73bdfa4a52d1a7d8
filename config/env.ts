// Process configuration from the environment (docs/temporal-contract.md,
// docs/operator-surfaces.md), validated so a typo stops the process at start with the variable's
// name instead of failing later. The Temporal connection is Temporal's own environment
// configuration (@temporalio/envconfig): the same TEMPORAL_* variables, TEMPORAL_PROFILE and TOML
// file as the `temporal` CLI, so a Temporal Cloud or mTLS cluster needs no settings of ours.
import { loadClientConnectConfig } from '@temporalio/envconfig';
import type { NativeConnectionOptions } from '@temporalio/worker';
import { z } from 'zod';
import { parseEnv } from './parse-env';
import { controllerSettings, type ControllerSettings } from './controller';

/** Where the local dev server (scripts/temporal.sh) serves its Web UI. */
export const DEFAULT_TEMPORAL_UI_URL = 'http://localhost:8233';

const EnvSchema = z
  .object({
    TEMPORAL_TASK_QUEUE: z.string().min(1).default('rrm-event-loop'),
    DATABASE_URL: z
      .string()
      .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL')
      .optional(),
    RRM_POLICY_FILE: z.string().min(1).optional(),
    // The worker's Prometheus endpoint (workers/metrics.ts); unset: no metrics served.
    RRM_METRICS_PORT: z.coerce.number().int().min(0).max(65535).optional(),
    // The Temporal Web UI the floor page links events to, and the main job prints.
    RRM_TEMPORAL_UI_URL: z
      .string()
      .trim()
      .regex(/^https?:\/\/[^\s/?#]+(\/[^\s?#]*)?$/, 'must be an http:// or https:// address')
      .default(DEFAULT_TEMPORAL_UI_URL),
    // Worker Versioning (docs/upgrades.md): a deployment name and this build's id, both or neither.
    TEMPORAL_WORKER_DEPLOYMENT: z.string().min(1).optional(),
    TEMPORAL_WORKER_BUILD_ID: z.string().min(1).optional(),
  })
  .superRefine((e, ctx) => {
    const one = (missing: string, set: string) =>
      ctx.addIssue({ code: 'custom', path: [missing], message: `must be set together with ${set}` });
    const { TEMPORAL_WORKER_DEPLOYMENT: deployment, TEMPORAL_WORKER_BUILD_ID: buildId } = e;
    if (deployment !== undefined && buildId === undefined)
      one('TEMPORAL_WORKER_BUILD_ID', 'TEMPORAL_WORKER_DEPLOYMENT');
    if (buildId !== undefined && deployment === undefined)
      one('TEMPORAL_WORKER_DEPLOYMENT', 'TEMPORAL_WORKER_BUILD_ID');
  });

/** Where Temporal is and how to reach it: address, TLS (or mTLS), API key, gRPC metadata. */
export type TemporalConnection = Pick<NativeConnectionOptions, 'address' | 'tls' | 'apiKey' | 'metadata'> & {
  address: string;
};

export interface TemporalConfig {
  connection: TemporalConnection;
  namespace: string;
  taskQueue: string;
  /** Set: the worker joins this Worker Deployment Version (Worker Versioning). Unset: unversioned. */
  workerDeployment?: WorkerDeploymentVersion;
}

/** A Worker Deployment Version: the deployment's name and this build's id. */
export interface WorkerDeploymentVersion {
  deploymentName: string;
  buildId: string;
}

export interface RrmConfig {
  temporal: TemporalConfig;
  databaseUrl?: string;
  /** The controller the loop drives (config/controller.ts). */
  controller: ControllerSettings;
  policyFile?: string;
  /** Where the worker serves its Prometheus metrics; undefined: not served. */
  metricsPort?: number;
  /** The Temporal Web UI's address, without a trailing slash. */
  temporalUiUrl: string;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): RrmConfig {
  const e = parseEnv(EnvSchema, env);
  const { connection, namespace } = temporalConnection(env);
  return {
    temporal: {
      connection,
      namespace,
      taskQueue: e.TEMPORAL_TASK_QUEUE,
      ...(e.TEMPORAL_WORKER_DEPLOYMENT && e.TEMPORAL_WORKER_BUILD_ID
        ? {
            workerDeployment: {
              deploymentName: e.TEMPORAL_WORKER_DEPLOYMENT,
              buildId: e.TEMPORAL_WORKER_BUILD_ID,
            },
          }
        : {}),
    },
    databaseUrl: e.DATABASE_URL,
    controller: controllerSettings(env),
    policyFile: e.RRM_POLICY_FILE,
    metricsPort: e.RRM_METRICS_PORT,
    temporalUiUrl: e.RRM_TEMPORAL_UI_URL.replace(/\/+$/, ''),
  };
}

export function requireDatabaseUrl(config: RrmConfig): string {
  if (!config.databaseUrl) throw new Error('DATABASE_URL is not set: the audit store needs PostgreSQL');
  return config.databaseUrl;
}

/**
 * The Temporal connection as Temporal's environment configuration gives it: the profile
 * (TEMPORAL_PROFILE, default `default`) of the TOML file (TEMPORAL_CONFIG_FILE, default
 * `~/.config/temporalio/temporal.toml`, if present), overridden by TEMPORAL_ADDRESS,
 * TEMPORAL_NAMESPACE, TEMPORAL_API_KEY, TEMPORAL_TLS*, TEMPORAL_GRPC_META_*. Unset: the local dev
 * server's `localhost:7233`, namespace `default`, no TLS.
 */
export function temporalConnection(env: NodeJS.ProcessEnv): Pick<TemporalConfig, 'connection' | 'namespace'> {
  const defined = Object.fromEntries(
    Object.entries(env).filter((kv): kv is [string, string] => kv[1] !== undefined),
  );
  let loaded;
  try {
    loaded = loadClientConnectConfig({ overrideEnvVars: defined });
  } catch (err) {
    throw new Error(
      `invalid Temporal connection settings: ${err instanceof Error ? err.message : String(err)}`,
    );
  }
  const { address, tls, apiKey, metadata } = loaded.connectionOptions;
  return {
    connection: {
      address: address ?? 'localhost:7233',
      ...(tls !== undefined ? { tls } : {}),
      ...(apiKey !== undefined ? { apiKey } : {}),
      ...(metadata !== undefined ? { metadata } : {}),
    },
    namespace: loaded.namespace ?? 'default',
  };
}
