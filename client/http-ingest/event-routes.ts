// The event routes: submit, status, operator controls, AP state (docs/operator-surfaces.md). Bodies arrive as
// text (see server.ts) and are read here with the same helpers as the CLI's.
import type { FastifyInstance } from 'fastify';
import type { z } from 'zod';
import { AP_ID, EVENT_ID } from '../../domain/events';
import {
  OPERATOR_CONTROLS,
  OperatorInputSchema,
  parseEventText,
  type OperatorInput,
  type RrmClient,
  runOperatorControl,
  signedRefusal,
} from '../library';
import { BadRequestError } from './errors';
import type { IngestMetrics } from './metrics';

/** Who the audit trail names when a control comes over HTTP without an `operator`. */
export const HTTP_DEFAULT_OPERATOR = 'http-api';

interface EventParams {
  eventId: string;
}

/** The most events one request may carry: more is refused whole (413), nothing started. */
export const MAX_EVENTS_PER_REQUEST = 1_000;

/**
 * How long an operator control's request is held for the event's answer: past it the answer says
 * whether the control was accepted and goes on (202) or was not yet taken (504).
 */
export const CONTROL_DEADLINE_MS = 30_000;

/**
 * The routes. `rrm`'s calls to Temporal each have the ingest's deadline (server.ts): past it the
 * answer is 503 with Retry-After (errors.ts). A control waits for its event's answer at most
 * CONTROL_DEADLINE_MS.
 */
export function registerEventRoutes(app: FastifyInstance, rrm: RrmClient, metrics: IngestMetrics): void {
  app.post('/v1/events', async (request, reply) => {
    const events = parseEventText(bodyText(request.body));
    if (events.length > MAX_EVENTS_PER_REQUEST) {
      const message = `a request carries at most ${MAX_EVENTS_PER_REQUEST} events (this one ${events.length}): nothing was started; send them in smaller requests`;
      throw new BadRequestError('too_many_events', message, undefined, 413);
    }
    const submitted = await rrm.submit(events);
    const duplicates = submitted.filter((s) => s.duplicate).length;
    metrics.eventsSubmitted.inc(submitted.length - duplicates);
    metrics.eventsDuplicate.inc(duplicates);
    return reply.code(202).send({ submitted });
  });

  app.get<{ Params: EventParams }>('/v1/events/:eventId', async (request) =>
    rrm.status(pathId(EVENT_ID, 'eventId', request.params.eventId)),
  );

  for (const control of OPERATOR_CONTROLS) {
    app.post<{ Params: EventParams }>(`/v1/events/:eventId/${control}`, async (request) => {
      const input = operatorInput(bodyText(request.body));
      const eventId = pathId(EVENT_ID, 'eventId', request.params.eventId);
      const operator = await operatorOf(rrm, request.operator, input, { control, eventId });
      return runOperatorControl(
        rrm,
        control,
        eventId,
        { operator, reason: input.reason },
        CONTROL_DEADLINE_MS,
      );
    });
  }

  app.get<{ Params: { apId: string } }>('/v1/aps/:apId', async (request) =>
    rrm.apState(pathId(AP_ID, 'apId', request.params.apId)),
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
 * another: refused, and the refusal signed under the token's operator). A name in the body is only
 * trusted with that operator's own token: with the shared token (or none) it is recorded as
 * `<name> (unverified)`; without one, HTTP_DEFAULT_OPERATOR.
 */
async function operatorOf(
  rrm: RrmClient,
  authenticated: string | undefined,
  input: OperatorInput,
  asked: { control: string; eventId: string },
): Promise<string> {
  if (authenticated === undefined)
    return input.operator === undefined ? HTTP_DEFAULT_OPERATOR : `${input.operator} (unverified)`;
  if (input.operator !== undefined && input.operator !== authenticated) {
    const message = `the token is ${authenticated}'s: the body cannot name another operator`;
    const refusal = `${asked.control} refused: ${message} (the body named ${input.operator})`;
    await signedRefusal(rrm, { ...asked, operator: authenticated, reason: input.reason, refusal });
    throw new BadRequestError('operator_mismatch', message, [{ field: 'operator', message }], 403);
  }
  return authenticated;
}

/** The raw body (server.ts keeps JSON and NDJSON bodies as text); empty when there was none. */
function bodyText(body: unknown): string {
  return typeof body === 'string' ? body : '';
}

function operatorInput(text: string): OperatorInput {
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
