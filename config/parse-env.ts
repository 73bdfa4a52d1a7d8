// One reading of environment variables against a zod schema, shared by every process's settings:
// a bad value stops the process at start with each variable named.
import type { z } from 'zod';

/** The variables as `schema` reads them, or an error naming every one that is wrong. */
export function parseEnv<S extends z.ZodType>(schema: S, env: NodeJS.ProcessEnv): z.infer<S> {
  const parsed = schema.safeParse(env);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
  throw invalidEnvironment(problems);
}

/** The error for a setting a schema cannot express (two variables that go together, …). */
export const invalidEnvironment = (problem: string): Error => new Error(`invalid environment: ${problem}`);
