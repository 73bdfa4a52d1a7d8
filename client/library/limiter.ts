// A bound on calls in flight, for reads fanned out over many workflows (stats counts, the floor's APs).

/** Runs at most `max` tasks at once; a finishing task hands its slot to the next one waiting. */
export function limiter(max: number): <T>(task: () => Promise<T>) => Promise<T> {
  let active = 0;
  const waiting: (() => void)[] = [];
  return async (task) => {
    if (active < max) active++;
    else await new Promise<void>((resolve) => waiting.push(resolve));
    try {
      return await task();
    } finally {
      const next = waiting.shift();
      if (next) next();
      else active--;
    }
  };
}
