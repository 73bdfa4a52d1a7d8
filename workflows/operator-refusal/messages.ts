// operatorRefusal (`refusal:<eventId>:<id>`): its address. It answers no messages.
export const OPERATOR_REFUSAL_WORKFLOW_TYPE = 'operatorRefusal';
/** One per refusal: `id` tells apart refusals of one event. */
export const operatorRefusalWorkflowId = (eventId: string, id: string): string => `refusal:${eventId}:${id}`;
