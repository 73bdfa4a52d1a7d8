// The OpenWiFi face's HTTP routes: owgw's device API and owsec's sign-in under `/api/v1`, in their
// answer shapes (errors as `{ ErrorCode, ErrorDetails, ErrorDescription }`, auth failures 403). The
// test hooks that inject the gateway's failure modes are the simulator's (`/v1/inject/openwifi`).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { SimulatorError } from '../errors';
import type { RequestHold } from '../request-hold';
import { GatewayError, type GatewayAnswer } from './answers';
import type { OpenWifiGateway } from './gateway';

type Serial = { Params: { serialNumber: string }; Querystring: Record<string, string | undefined> };

const flag = (v: string | undefined) => v === 'true';
const count = (v: string | undefined, fallback: number) =>
  v !== undefined && /^\d+$/.test(v) ? Number(v) : fallback;

async function send(
  reply: FastifyReply,
  method: string,
  work: () => unknown,
  malformed = false,
): Promise<FastifyReply> {
  let answer: GatewayAnswer;
  try {
    answer = { status: 200, body: await work() };
  } catch (err) {
    if (err instanceof GatewayError) answer = err.answer(method);
    // The world's own outage (an injected "controller unreachable") is the gateway's too.
    else if (err instanceof SimulatorError && err.statusCode >= 500) {
      answer = { status: 503, body: { ErrorCode: 503, ErrorDetails: method, ErrorDescription: err.message } };
    } else throw err;
  }
  if (malformed && answer.status === 200)
    answer = { status: 200, body: { unexpected: 'a body the API does not specify' } };
  return reply
    .code(answer.status)
    .headers(answer.headers ?? {})
    .send(answer.body);
}

/** The simulator's test holds: configure and rrm wait on `change`, wifiscan on `scan`. */
export interface FaceHolds {
  change: RequestHold;
  scan: RequestHold;
}

export function registerOpenWifiFace(app: FastifyInstance, gateway: OpenWifiGateway, holds: FaceHolds): void {
  app.register(
    async (face) => {
      face.setErrorHandler((err, request, reply) => {
        const status = (err as { statusCode?: number }).statusCode ?? 500;
        const answer =
          status < 500
            ? new GatewayError(400, 400, '1003: Invalid JSON document.').answer(request.method)
            : new GatewayError(500, 500, '500: Internal error.').answer(request.method);
        return reply.code(answer.status).send(answer.body);
      });
      face.setNotFoundHandler((request, reply) =>
        reply
          .code(400)
          .send(new GatewayError(400, 400, '1004: Unsupported HTTP Method').answer(request.method).body),
      );

      face.post<{ Querystring: { grant_type?: string } }>('/oauth2', async (req, reply) =>
        send(reply, req.method, () => gateway.security.signIn(req.body, req.query.grant_type).body),
      );

      // Every other call: the key or token first, then the injected rate limits and malformed answers.
      const malformed = new WeakSet<FastifyRequest>();
      face.addHook('onRequest', async (req, reply) => {
        if (req.url.split('?')[0]!.endsWith('/oauth2')) return;
        try {
          gateway.security.authorize(req.headers);
          if (gateway.faults.gate().malformed) malformed.add(req);
        } catch (err) {
          if (!(err instanceof GatewayError)) throw err;
          const answer = err.answer(req.method);
          return reply
            .code(answer.status)
            .headers(answer.headers ?? {})
            .send(answer.body);
        }
      });
      const reply = (req: FastifyRequest, r: FastifyReply, work: () => unknown) =>
        send(r, req.method, work, malformed.has(req));

      face.get<{ Querystring: Record<string, string | undefined> }>('/devices', async (req, r) =>
        reply(req, r, () => gateway.devices(flag(req.query.deviceWithStatus), req.query.select?.split(','))),
      );
      face.get<Serial>('/device/:serialNumber', async (req, r) =>
        reply(req, r, () => gateway.deviceRecord(req.params.serialNumber)),
      );
      face.get<Serial>('/device/:serialNumber/status', async (req, r) =>
        reply(req, r, () => gateway.deviceStatus(req.params.serialNumber)),
      );
      face.get<Serial>('/device/:serialNumber/capabilities', async (req, r) =>
        reply(req, r, () => gateway.capabilities(req.params.serialNumber)),
      );
      face.get<Serial>('/device/:serialNumber/statistics', async (req, r) =>
        reply(req, r, () =>
          gateway.stateReports(
            req.params.serialNumber,
            flag(req.query.lastOnly),
            Math.min(100, count(req.query.limit, 100)),
          ),
        ),
      );
      face.get<Serial>('/device/:serialNumber/logs', async (req, r) =>
        reply(req, r, () =>
          gateway.deviceLogs(
            req.params.serialNumber,
            count(req.query.limit, 100),
            count(req.query.startDate, 0),
          ),
        ),
      );
      face.get<{ Querystring: Record<string, string | undefined> }>('/commands', async (req, r) =>
        reply(req, r, () => gateway.commandList(req.query.serialNumber, count(req.query.limit, 100))),
      );
      face.post<Serial>('/device/:serialNumber/configure', async (req, r) =>
        reply(req, r, async () => {
          await holds.change.pass(req.params.serialNumber);
          return gateway.configure(req.params.serialNumber, req.body);
        }),
      );
      face.post<Serial>('/device/:serialNumber/wifiscan', async (req, r) =>
        reply(req, r, async () => {
          await holds.scan.pass(req.params.serialNumber);
          return gateway.wifiScan(req.params.serialNumber, req.body);
        }),
      );
      face.post<Serial>('/device/:serialNumber/rrm', async (req, r) =>
        reply(req, r, async () => {
          await holds.change.pass(req.params.serialNumber);
          return gateway.rrmActions(req.params.serialNumber, req.body);
        }),
      );
    },
    { prefix: '/api/v1' },
  );
}
