// Waiting for a condition by polling, for the tests and the benches (no side effects on import:
// test/support/stack.ts installs the Temporal runtime, which a bench installs its own way).

/** Polls `probe` until it returns a value, or fails after `timeoutMs`, naming `what` it waited for. */
export async function eventually<T>(
  probe: () => Promise<T | undefined>,
  timeoutMs = 20_000,
  what?: () => string,
): Promise<T> {
  const start = Date.now();
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() - start > timeoutMs) {
      throw new Error(`${what ? `${what()}: ` : ''}condition not met within ${timeoutMs} ms`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}
