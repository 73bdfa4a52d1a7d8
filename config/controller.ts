// Which controller the loop drives (RRM_CONTROLLER) and how to reach it, from the environment
// (docs/controllers.md). Secrets come from the variable or from a file named by `<NAME>_FILE`;
// neither is ever logged.
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { invalidEnvironment, parseEnv } from './parse-env';

export interface SimulatorControllerSettings {
  kind: 'simulator';
  /** The simulator's native API. */
  url: string;
}

export interface OpenWifiControllerSettings {
  kind: 'openwifi';
  /** The gateway's REST API, e.g. https://gw.example.net:16002/api/v1. */
  gatewayUrl: string;
  /** The security service (owsec), for OAuth2 tokens; only with a user and password. */
  securityUrl?: string;
  apiKey?: string;
  user?: string;
  password?: string;
  /** PEM file of the CA that signed the gateway's (and owsec's) certificate. */
  caFile?: string;
  /** Calls in flight toward the gateway at once. */
  maxConcurrent: number;
}

export type ControllerSettings = SimulatorControllerSettings | OpenWifiControllerSettings;

const Env = z.object({
  RRM_CONTROLLER: z.enum(['simulator', 'openwifi']).default('simulator'),
  RRM_CONTROLLER_URL: z.url().default('http://127.0.0.1:8787'),
  RRM_OPENWIFI_GATEWAY_URL: z.url().optional(),
  RRM_OPENWIFI_SECURITY_URL: z.url().optional(),
  RRM_OPENWIFI_USER: z.string().min(1).optional(),
  RRM_OPENWIFI_CA_FILE: z.string().min(1).optional(),
  RRM_OPENWIFI_MAX_CONCURRENT: z.coerce.number().int().min(1).max(256).default(16),
});

/** A secret from `NAME` or from the file `NAME_FILE` (trailing newline dropped), not both. */
function secret(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const value = env[name];
  const file = env[`${name}_FILE`];
  if (value && file) throw new Error(`${name}: set ${name} or ${name}_FILE, not both`);
  if (!file) return value || undefined;
  try {
    return readFileSync(file, 'utf8').replace(/\r?\n$/, '');
  } catch (err) {
    throw new Error(`${name}_FILE: cannot read ${file} (${(err as NodeJS.ErrnoException).code})`);
  }
}

export function controllerSettings(env: NodeJS.ProcessEnv): ControllerSettings {
  const e = parseEnv(Env, env);
  if (e.RRM_CONTROLLER === 'simulator') return { kind: 'simulator', url: e.RRM_CONTROLLER_URL };
  if (!e.RRM_OPENWIFI_GATEWAY_URL)
    throw invalidEnvironment('RRM_OPENWIFI_GATEWAY_URL: required with RRM_CONTROLLER=openwifi');
  const apiKey = secret(env, 'RRM_OPENWIFI_API_KEY');
  const password = secret(env, 'RRM_OPENWIFI_PASSWORD');
  const user = e.RRM_OPENWIFI_USER;
  if (!apiKey && !(user && password)) {
    throw invalidEnvironment(
      'RRM_OPENWIFI_API_KEY (or RRM_OPENWIFI_USER with RRM_OPENWIFI_PASSWORD): one is required',
    );
  }
  if (Boolean(user) !== Boolean(password)) {
    throw invalidEnvironment('RRM_OPENWIFI_USER and RRM_OPENWIFI_PASSWORD: set both or neither');
  }
  if (!apiKey && !e.RRM_OPENWIFI_SECURITY_URL) {
    throw invalidEnvironment('RRM_OPENWIFI_SECURITY_URL: required to sign in with a user and password');
  }
  return {
    kind: 'openwifi',
    gatewayUrl: e.RRM_OPENWIFI_GATEWAY_URL,
    securityUrl: e.RRM_OPENWIFI_SECURITY_URL,
    apiKey,
    user,
    password,
    caFile: e.RRM_OPENWIFI_CA_FILE,
    maxConcurrent: e.RRM_OPENWIFI_MAX_CONCURRENT,
  };
}

/** Where the controller is, for logs, banners and the floor view: no secret in it. */
export function controllerUrlOf(settings: ControllerSettings): string {
  return settings.kind === 'simulator' ? settings.url : settings.gatewayUrl;
}
