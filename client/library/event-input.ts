// Reads events from text: one JSON event, a JSON array of events, or NDJSON (one per line).
export class EventInputError extends Error {}

export function parseEventText(text: string): unknown[] {
  const trimmed = text.trim();
  if (!trimmed) throw new EventInputError('no events in the input');
  try {
    const whole: unknown = JSON.parse(trimmed);
    return Array.isArray(whole) ? whole : [whole];
  } catch {
    // Not one JSON document: read it as NDJSON.
  }
  return trimmed
    .split(/\r?\n/)
    .map((line, i) => ({ line: line.trim(), n: i + 1 }))
    .filter(({ line }) => line.length > 0)
    .map(({ line, n }) => {
      try {
        return JSON.parse(line) as unknown;
      } catch (err) {
        throw new EventInputError(`line ${n} is not valid JSON: ${(err as Error).message}`);
      }
    });
}
