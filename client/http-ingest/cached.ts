// A slow, read-only answer (the ingest's /v1/stats) shared by the callers of a few seconds.

/**
 * `load`'s answer, shared by every caller for `ms` after it came (and while it is coming); a failure
 * is not kept.
 */
export function cachedFor<T>(ms: number, load: () => Promise<T>): () => Promise<T> {
  let kept: { at: number; answer: Promise<T> } | undefined;
  return () => {
    if (kept && Date.now() - kept.at < ms) return kept.answer;
    const answer = load();
    const entry = { at: Date.now(), answer };
    kept = entry;
    answer.then(
      () => (entry.at = Date.now()),
      () => {
        if (kept === entry) kept = undefined;
      },
    );
    return answer;
  };
}
