// Work on one key (a device, a radio) done one piece at a time within this process, in arrival
// order; different keys run side by side. A failure of one piece does not stop the next.
export type OneAtATime = <T>(key: string, work: () => Promise<T>) => Promise<T>;

export function oneAtATime(): OneAtATime {
  const tails = new Map<string, Promise<unknown>>();
  return (key, work) => {
    const turn = (tails.get(key) ?? Promise.resolve()).then(work, work);
    const settled = turn.then(
      () => undefined,
      () => undefined,
    );
    tails.set(key, settled);
    void settled.then(() => tails.get(key) === settled && tails.delete(key));
    return turn;
  };
}
