// How failures become HTTP answers: one JSON shape `{ error, message, ... }` for every route.
import { isGrpcServiceError, ServiceError } from '@temporalio/client';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import {
  ControlPendingError,
  EventInputError,
  InvalidEventsError,
  NotFoundError,
  OperatorRefusedError,
} from '../library';
import type { IngestMetrics } from './metrics';

/** A request the route itself refuses (bad body: 400, not allowed: 403), with the fields named. */
export class BadRequestError extends Error {
  constructor(
    readonly error: string,
    message: string,
    readonly errors?: { field: string; message: string }[],
    readonly status: 400 | 403 | 413 = 400,
  ) {
    super(message);
  }
}

/** What a 503 asks a sensing source to wait before sending again. */
export const RETRY_AFTER_SECONDS = 5;

/** gRPC status codes that say "not now" (the server unreachable, too slow or too busy), not "never". */
const TRANSIENT_GRPC_CODES = new Set([
  4, // DEADLINE_EXCEEDED
  8, // RESOURCE_EXHAUSTED
  14, // UNAVAILABLE
]);

/** The gRPC status code of a Temporal call's failure, from the SDK's error or its cause. */
function grpcCode(err: unknown): number | undefined {
  if (isGrpcServiceError(err)) return err.code;
  if (err instanceof ServiceError) return grpcCode(err.cause);
  return undefined;
}

/** The longest path parameter the router takes (an eventId of 128 characters, percent-encoded, fits). */
export const MAX_PATH_PARAMETER_LENGTH = 400;

/** The router's own refusals (a path parameter too long, a malformed URL), in the one error shape. */
export function routerErrorAnswer(err: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  if (err.code === 'FST_ERR_MAX_PARAM_LENGTH') {
    void reply.code(414).send({
      error: 'uri_too_long',
      message: `a path parameter is longer than ${MAX_PATH_PARAMETER_LENGTH} characters`,
    });
    return;
  }
  void reply
    .code(400)
    .send({ error: 'bad_request', message: `${request.method} ${request.url}: ${err.message}` });
}

export function registerErrorHandling(app: FastifyInstance, metrics: IngestMetrics): void {
  app.setNotFoundHandler((request, reply) =>
    reply.code(404).send({ error: 'not_found', message: `no route ${request.method} ${request.url}` }),
  );

  app.setErrorHandler((err: FastifyError, request, reply) => {
    if (err instanceof InvalidEventsError) {
      metrics.eventsInvalid.inc(err.problems.length);
      metrics.batchesRejected.inc({ reason: 'invalid_events' });
      return reply.code(400).send({ error: 'invalid_events', message: err.message, problems: err.problems });
    }
    if (err instanceof EventInputError) {
      metrics.batchesRejected.inc({ reason: 'invalid_input' });
      return reply.code(400).send({ error: 'invalid_input', message: err.message });
    }
    if (err instanceof BadRequestError) {
      return reply.code(err.status).send({ error: err.error, message: err.message, errors: err.errors });
    }
    if (err instanceof NotFoundError)
      return reply.code(404).send({ error: 'not_found', message: err.message });
    if (err instanceof OperatorRefusedError) {
      return reply.code(409).send({ error: 'refused', message: err.message });
    }
    switch (err.code) {
      case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
        return reply.code(415).send({
          error: 'unsupported_media_type',
          message: `content-type ${request.headers['content-type'] ?? '(none)'} is not supported: use application/json or application/x-ndjson`,
        });
      case 'FST_ERR_CTP_BODY_TOO_LARGE':
        return reply.code(413).send({ error: 'payload_too_large', message: err.message });
    }
    if (err.statusCode && err.statusCode >= 400 && err.statusCode < 500) {
      return reply.code(err.statusCode).send({ error: 'bad_request', message: err.message });
    }
    if (err instanceof ControlPendingError) {
      return reply
        .code(err.accepted ? 202 : 504)
        .send({ error: err.accepted ? 'control_under_way' : 'control_unanswered', message: err.message });
    }
    const code = grpcCode(err);
    if (code !== undefined && TRANSIENT_GRPC_CODES.has(code)) {
      request.log.warn({ err }, 'Temporal call failed');
      // Nothing was started (or the start is idempotent by eventId): the source sends it again.
      return reply
        .code(503)
        .header('retry-after', String(RETRY_AFTER_SECONDS))
        .send({
          error: 'temporal_unavailable',
          message: `Temporal did not answer in time; send again in ${RETRY_AFTER_SECONDS} s (log id ${request.id})`,
        });
    }
    // Neither the driver's nor the SDK's text goes out: it is logged under the id the answer names.
    request.log.error({ err }, 'request failed');
    return reply.code(500).send({ error: 'internal', message: `internal error (log id ${request.id})` });
  });
}
