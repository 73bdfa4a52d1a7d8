// The simulator's REST API (fastify) over a World, and `startSimulator` for tests and main.ts.
import { randomBytes } from 'node:crypto';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyReply } from 'fastify';
import type { Logger } from 'pino';
import type { z } from 'zod';
import type { RegulatoryDomain } from '../domain/regulatory';
import { FlappingLink } from './flapping-link';
import { RequestHold } from './request-hold';
import { SimulatorError } from './errors';
import { createWorld } from './scenario';
import {
  adminRequestSchema,
  apFailureSchema,
  flappingSchema,
  holdSchema,
  holdLiftSchema,
  clientSurgeSchema,
  configRequestSchema,
  controllerFaultSchema,
  interfererSchema,
  issuesOf,
  openWifiFaultSchema,
  openWifiOfflineSchema,
  powerBudgetSchema,
  radarSchema,
  radioParam,
  roamersSchema,
  steerRequestSchema,
  type Issue,
} from './schemas';
import type { ScenarioDefinition } from './types';
import type { World } from './world';
import { OpenWifiGateway } from './openwifi/gateway';
import type { OpenWifiCredentials } from './openwifi/security';
import { registerOpenWifiFace } from './openwifi/routes';

class InvalidRequest extends Error {
  constructor(readonly issues: Issue[]) {
    super(issues.map((i) => `${i.path}: ${i.message}`).join('; '));
  }
}

function parse<S extends z.ZodType>(schema: S, value: unknown, prefix = ''): z.infer<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw new InvalidRequest(issuesOf(result.error, prefix));
  return result.data;
}

const numberParam = (value: string, name: string): number => {
  const n = Number(value);
  if (!Number.isInteger(n)) throw new InvalidRequest([{ path: name, message: 'expected an integer' }]);
  return n;
};

type ApParams = { apId: string };
type RadioParams = ApParams & { radio: string };

export function buildSimulatorApp(
  world: World,
  logger?: Logger,
  syncClock?: () => Promise<void>,
  openWifi?: OpenWifiGateway,
): FastifyInstance {
  // Test hooks: configuration changes, and channel scans, held until lifted (simulator/request-hold.ts).
  const changeHold = new RequestHold('controller restarted: the change was not applied');
  const scanHold = new RequestHold('controller restarted: the scan was not made');
  // Test hook: a flapping link that drops every n-th controller request (simulator/flapping-link.ts).
  const flapping = new FlappingLink();
  // The pino logger is widened to fastify's logger interface it implements.
  const app = (
    logger
      ? Fastify({ loggerInstance: logger as FastifyBaseLogger, disableRequestLogging: true })
      : Fastify({ logger: false })
  ) as FastifyInstance;

  // Workflows poll metrics constantly: reads log at debug, changes and injections at info.
  app.addHook('onResponse', async (request, reply) => {
    const entry = { method: request.method, url: request.url, statusCode: reply.statusCode };
    if (request.method === 'GET') request.log.debug(entry, 'request');
    else request.log.info(entry, 'request');
  });

  if (syncClock) app.addHook('onRequest', syncClock);
  app.addHook('onRequest', async (request) => flapping.pass(request.url));

  // An empty JSON body (e.g. a DELETE sent with a JSON content type) is simply no body.
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => {
    const text = String(body);
    if (text.trim() === '') return done(null, undefined);
    try {
      done(null, JSON.parse(text));
    } catch (e) {
      done(
        new InvalidRequest([{ path: 'body', message: `not valid JSON (${(e as Error).message})` }]),
        undefined,
      );
    }
  });

  app.setErrorHandler((err, request, reply: FastifyReply) => {
    if (err instanceof SimulatorError) return reply.code(err.statusCode).send(err.toBody());
    if (err instanceof InvalidRequest) {
      return reply.code(400).send({ error: 'invalid_request', message: err.message, issues: err.issues });
    }
    const status = (err as { statusCode?: number }).statusCode;
    if (status !== undefined && status >= 400 && status < 500) {
      const message = (err as Error).message;
      return reply
        .code(status)
        .send({ error: 'invalid_request', message, issues: [{ path: 'body', message }] });
    }
    request.log.error({ err }, 'simulator request failed');
    return reply.code(500).send({ error: 'internal', message: 'simulator: internal error' });
  });
  app.setNotFoundHandler((request, reply) =>
    reply
      .code(404)
      .send({ error: 'not_found', message: `route: ${request.method} ${request.url} does not exist` }),
  );

  app.get('/healthz', async () => ({ ok: true }));

  app.get('/v1/aps', async () => ({ aps: world.listAps() }));
  app.get<{ Params: ApParams }>('/v1/aps/:apId', async (req) => world.apState(req.params.apId));
  app.get<{ Params: ApParams }>('/v1/aps/:apId/changes', async (req) => ({
    changes: world.changes(req.params.apId),
  }));
  app.get<{ Params: RadioParams }>('/v1/aps/:apId/radios/:radio/metrics', async (req) =>
    world.metrics(req.params.apId, parse(radioParam, req.params.radio, 'radio')),
  );
  app.get<{ Params: RadioParams }>('/v1/aps/:apId/radios/:radio/scan', async (req) => {
    const radio = parse(radioParam, req.params.radio, 'radio');
    await scanHold.pass(req.params.apId);
    return world.scan(req.params.apId, radio);
  });
  app.get<{ Params: RadioParams }>('/v1/aps/:apId/radios/:radio/dfs', async (req) => ({
    apId: req.params.apId,
    radio: req.params.radio,
    ...world.dfsStates(req.params.apId, parse(radioParam, req.params.radio, 'radio')),
  }));
  app.post<{ Params: RadioParams }>('/v1/aps/:apId/radios/:radio/config', async (req) => {
    const radio = parse(radioParam, req.params.radio, 'radio');
    const change = parse(configRequestSchema, req.body);
    await changeHold.pass(req.params.apId);
    return world.applyConfig(req.params.apId, radio, change);
  });
  app.get<{ Params: RadioParams }>('/v1/aps/:apId/radios/:radio/clients', async (req) => ({
    clients: world.clientViews(req.params.apId, parse(radioParam, req.params.radio, 'radio')),
  }));
  app.post<{ Params: RadioParams }>('/v1/aps/:apId/radios/:radio/steer', async (req) => {
    const radio = parse(radioParam, req.params.radio, 'radio');
    const steer = parse(steerRequestSchema, req.body);
    await changeHold.pass(req.params.apId);
    return world.steer(req.params.apId, radio, steer);
  });
  app.post<{ Params: ApParams }>('/v1/aps/:apId/admin', async (req) => {
    const admin = parse(adminRequestSchema, req.body);
    await changeHold.pass(req.params.apId);
    return world.setAdminStatus(req.params.apId, admin);
  });

  app.get('/v1/sensing', async () => ({ detections: world.sensing() }));

  app.get('/v1/inject', async () => ({
    radarChannels: world.radarList(),
    interferers: world.listInterferers(),
    controllerFault: world.controllerFault(),
    changeHold: changeHold.status(),
    scanHold: scanHold.status(),
    flapping: flapping.status(),
  }));
  app.post('/v1/inject/flapping', async (req) => {
    flapping.start(parse(flappingSchema, req.body ?? {}).every);
    return { flapping: flapping.status() };
  });
  app.delete('/v1/inject/flapping', async () => {
    const was = flapping.status();
    flapping.stop();
    return { flapping: null, refused: was?.refused ?? 0 };
  });
  for (const { path, name, hold } of [
    { path: '/v1/inject/change-hold', name: 'changeHold', hold: changeHold },
    { path: '/v1/inject/scan-hold', name: 'scanHold', hold: scanHold },
  ]) {
    app.post(path, async (req) => {
      hold.hold(parse(holdSchema, req.body).apId);
      return { [name]: hold.status() };
    });
    app.delete(path, async (req) => {
      const { apId, held } = parse(holdLiftSchema, req.query);
      return { lifted: hold.lift(apId, held), [name]: hold.status() };
    });
  }
  app.post('/v1/inject/radar', async (req) => ({
    radarChannels: world.injectRadar(parse(radarSchema, req.body).channel),
  }));
  app.delete<{ Params: { channel: string } }>('/v1/inject/radar/:channel', async (req) => ({
    radarChannels: world.clearRadar(numberParam(req.params.channel, 'channel')),
  }));
  app.post('/v1/inject/interferer', async (req) => {
    // A known interferer (e.g. the scenario's video bridge) can be switched on by id alone.
    const body = (req.body ?? {}) as Record<string, unknown>;
    const known =
      typeof body.interfererId === 'string' ? world.knownInterferer(body.interfererId) : undefined;
    // zod drops the stored `on` flag: the schema does not know it.
    return { interferer: world.switchOnInterferer(parse(interfererSchema, { ...known, ...body })) };
  });
  app.delete<{ Params: { interfererId: string } }>('/v1/inject/interferer/:interfererId', async (req) => ({
    interferer: world.switchOffInterferer(req.params.interfererId),
  }));
  app.post('/v1/inject/controller-fault', async (req) => {
    const { mode, count } = parse(controllerFaultSchema, req.body);
    world.setControllerFault(mode, count);
    return { controllerFault: world.controllerFault() };
  });
  app.delete('/v1/inject/controller-fault', async () => {
    world.clearControllerFault();
    return { controllerFault: null };
  });
  app.post('/v1/inject/ap-failure', async (req) => {
    const { apId, component, detail } = parse(apFailureSchema, req.body);
    return world.setFailure(apId, { component, detail });
  });
  app.delete<{ Params: ApParams }>('/v1/inject/ap-failure/:apId', async (req) =>
    world.setFailure(req.params.apId, null),
  );
  app.post('/v1/inject/client-surge', async (req) => {
    const { apId, radio, count, settled } = parse(clientSurgeSchema, req.body);
    return { apId, radio, ...world.surge(apId, radio, count, settled) };
  });
  app.post('/v1/inject/power-budget', async (req) => {
    const { apId, budgetWatts } = parse(powerBudgetSchema, req.body);
    return { apId, power: world.setPowerBudget(apId, budgetWatts) };
  });
  app.delete<{ Params: ApParams }>('/v1/inject/power-budget/:apId', async (req) => ({
    apId: req.params.apId,
    power: world.restorePowerBudget(req.params.apId),
  }));
  app.post('/v1/inject/roamers', async (req) => {
    const { apId, radio, count } = parse(roamersSchema, req.body);
    return { apId, radio, roamers: world.injectRoamers(apId, radio, count) };
  });
  app.delete('/v1/inject/roamers', async () => {
    world.clearRoamers();
    return { ok: true };
  });
  app.delete('/v1/inject/client-surge', async () => {
    world.clearSurges();
    return { ok: true };
  });
  app.delete<{ Params: ApParams }>('/v1/inject/client-surge/:apId', async (req) => {
    world.clearSurges(req.params.apId);
    return { ok: true };
  });
  if (openWifi) {
    // The OpenWiFi face (docs/controllers.md): owgw's and owsec's API under /api/v1, its faults here.
    registerOpenWifiFace(app, openWifi, { change: changeHold, scan: scanHold });
    app.get('/v1/inject/openwifi', async () => openWifi.status());
    app.post('/v1/inject/openwifi', async (req) => {
      openWifi.faults.inject(parse(openWifiFaultSchema, req.body));
      return openWifi.status();
    });
    app.delete('/v1/inject/openwifi', async () => {
      openWifi.faults.clear();
      return openWifi.status();
    });
    app.post('/v1/inject/openwifi/offline', async (req) => {
      const { apId, offline } = parse(openWifiOfflineSchema, req.body);
      openWifi.setOffline(apId, offline);
      return openWifi.status();
    });
    app.post('/v1/inject/openwifi/expire-tokens', async () => ({
      expired: openWifi.security.expireTokens(),
    }));
  }

  app.post('/v1/inject/reset', async () => {
    world.reset();
    return { ok: true };
  });

  return app;
}

export interface StartSimulatorOptions {
  /** 0 = a free port. Default 0. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  seed?: number;
  regulatoryDomain?: RegulatoryDomain;
  /** Default: the built-in floor. */
  scenario?: ScenarioDefinition;
  logger?: Logger;
  clock?: () => Date;
  /**
   * Brings `clock` up to date before each request: a test's clock that follows Temporal's
   * time-skipping server (test/support/time-skipping.ts), so a CAC or a Non-Occupancy Period
   * passes in skipped time for the controller as it does for the workflows.
   */
  syncClock?: () => Promise<void>;
  /** The OpenWiFi face's credentials; random ones by default. */
  openWifi?: Partial<OpenWifiCredentials> & { tokenLifetimeS?: number };
}

/** Where the OpenWiFi face answers and how to sign in to it. */
export interface OpenWifiFace extends OpenWifiCredentials {
  /** owgw's REST API (`…/api/v1`). */
  gatewayUrl: string;
  /** owsec's, for OAuth2 tokens: the same server here. */
  securityUrl: string;
  gateway: OpenWifiGateway;
}

export interface RunningSimulator {
  url: string;
  world: World;
  app: FastifyInstance;
  openWifi: OpenWifiFace;
  close(): Promise<void>;
}

export async function startSimulator(opts: StartSimulatorOptions = {}): Promise<RunningSimulator> {
  const world = createWorld({
    seed: opts.seed,
    regulatoryDomain: opts.regulatoryDomain,
    scenario: opts.scenario,
    clock: opts.clock,
  });
  const credentials: OpenWifiCredentials = {
    apiKey: opts.openWifi?.apiKey ?? randomBytes(24).toString('base64url'),
    userId: opts.openWifi?.userId ?? 'rrm@openwifi.local',
    password: opts.openWifi?.password ?? randomBytes(18).toString('base64url'),
  };
  const gateway = new OpenWifiGateway(world, credentials, opts.openWifi?.tokenLifetimeS);
  const app = buildSimulatorApp(world, opts.logger, opts.syncClock, gateway);
  const host = opts.host ?? '127.0.0.1';
  await app.listen({ port: opts.port ?? 0, host });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : opts.port;
  const urlHost = host.includes(':') ? `[${host}]` : host === '0.0.0.0' ? '127.0.0.1' : host;
  const url = `http://${urlHost}:${port}`;
  const openWifi = { ...credentials, gatewayUrl: `${url}/api/v1`, securityUrl: `${url}/api/v1`, gateway };
  return { url, world, app, openWifi, close: () => app.close() };
}
