// The event routes: submit, status, operator controls, AP state (docs/operator-surfaces.md). Bodies arrive as
// text (see server.ts) and are read here with the same helpers as the CLI's.
import type { FastifyInstance } from 'fastify';
import type { z } from 'zod';
import { AP_ID, EVENT_ID } from '../../domain/events';
import {
  OPERATOR_CONTROLS,
  OperatorInputSchema,
  parseEventText,
  type RrmClient,
  runOperatorControl,
} from '../library';
import { BadRequestError } from './errors';
import type { IngestMetrics } from './metrics';

/** Who the audit trail names when a control comes over HTTP without an `operator`. */
export const HTTP_DEFAULT_OPERATOR = 'http-api';

interface EventParams {
  eventId: string;
}

/**
 * The routes. Submits, statuses and AP states are quick calls to Temporal and get `deadlineMs`: past
 * it the answer is 503 with Retry-After (errors.ts). The controls may wait for a turn and an undo,
 * so they keep the SDK's own timeouts.
 */
export function registerEventRoutes(
  app: FastifyInstance,
  rrm: RrmClient,
  metrics: IngestMetrics,
  deadlineMs: number,
): void {
  const quick = <T>(call: () => Promise<T>): Promise<T> =>
    rrm.client.connection.withDeadline(Date.now() + deadlineMs, call);

  app.post('/v1/events', async (request, reply) => {
    const events = parseEventText(bodyText(request.body));
    const submitted = await quick(() => rrm.submit(events));
    const duplicates = submitted.filter((s) => s.duplicate).length;
    metrics.eventsSubmitted.inc(submitted.length - duplicates);
    metrics.eventsDuplicate.inc(duplicates);
    return reply.code(202).send({ submitted });
  });

  app.get<{ Params: EventParams }>('/v1/events/:eventId', async (request) =>
    quick(() => rrm.status(pathId(EVENT_ID, 'eventId', request.params.eventId))),
  );

  for (const control of OPERATOR_CONTROLS) {
    app.post<{ Params: EventParams }>(`/v1/events/:eventId/${control}`, async (request) => {
      const input = operatorInput(bodyText(request.body));
      const eventId = pathId(EVENT_ID, 'eventId', request.params.eventId);
      return runOperatorControl(rrm, control, eventId, {
        operator: operatorOf(request.operator, input.operator),
        reason: input.reason,
      });
    });
  }

  app.get<{ Params: { apId: string } }>('/v1/aps/:apId', async (request) =>
    quick(() => rrm.apState(pathId(AP_ID, 'apId', request.params.apId))),
  );
}

/**
 * A path parameter checked as the event contract checks the field (400 `invalid_path` naming it).
 * `.` and `..` are refused too: a client or proxy on the way would have resolved them.
 */
function pathId(schema: z.ZodString, field: string, value: string): string {
  const parsed = schema.safeParse(value);
  const message = !parsed.success
    ? parsed.error.issues[0].message
    : value === '.' || value === '..'
      ? 'must not be a relative path segment (. or ..)'
      : undefined;
  if (message === undefined) return value;
  throw new BadRequestError('invalid_path', `${field} ${message}`, [{ field, message }]);
}

/**
 * Who the audit names: the operator the token authenticated (a body may repeat that name, not claim
 * another), else the body's `operator`, else HTTP_DEFAULT_OPERATOR.
 */
function operatorOf(authenticated: string | undefined, named: string | undefined): string {
  if (authenticated === undefined) return named ?? HTTP_DEFAULT_OPERATOR;
  if (named !== undefined && named !== authenticated) {
    const message = `the token is ${authenticated}'s: the body cannot name another operator`;
    throw new BadRequestError('operator_mismatch', message, [{ field: 'operator', message }], 403);
  }
  return authenticated;
}

/** The raw body (server.ts keeps JSON and NDJSON bodies as text); empty when there was none. */
function bodyText(body: unknown): string {
  return typeof body === 'string' ? body : '';
}

function operatorInput(text: string): { operator?: string; reason?: string } {
  let raw: unknown = {};
  if (text.trim()) {
    try {
      raw = JSON.parse(text);
    } catch (err) {
      throw new BadRequestError('invalid_json', `the body is not valid JSON: ${(err as Error).message}`);
    }
  }
  const parsed = OperatorInputSchema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const errors = parsed.error.issues.flatMap((issue) =>
    issue.code === 'unrecognized_keys'
      ? issue.keys.map((key) => ({ field: key, message: 'is not a known field' }))
      : [{ field: issue.path.map(String).join('.'), message: issue.message }],
  );
  throw new BadRequestError('invalid_request', 'the body must be { reason?, operator? }', errors);
}
