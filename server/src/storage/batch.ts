/** How a batcher groups calls. */
export interface BatchOptions {
  /** The most items one flush takes (default 200). */
  maxBatch?: number
  /**
   * The most flushes under way at once (default 1). With 1, calls that arrive while a batch is being stored
   * wait for the next one, so under load batches grow instead of statements multiplying; with 2, the next
   * batch goes out while the previous one is still being stored (pipelined), at the cost of more, smaller
   * statements.
   */
  maxInFlight?: number
}

/**
 * Group commit: calls made in one turn of the event loop are flushed together, and at most `maxInFlight`
 * flushes run at once. Each caller gets its own result once its batch is stored: nothing waits past its own
 * batch, so a crash loses no write whose caller was answered. A failed flush fails only its own callers.
 */
export function createBatcher<I, O>(
  flush: (items: I[]) => Promise<O[]>,
  { maxBatch = 200, maxInFlight = 1 }: BatchOptions = {},
): (item: I) => Promise<O> {
  const pending: { item: I, done: (o: O) => void, fail: (e: unknown) => void }[] = []
  let scheduled = false
  let inFlight = 0

  function schedule() {
    if (scheduled || inFlight >= maxInFlight || pending.length === 0) return
    scheduled = true
    setImmediate(start)
  }

  function start() {
    scheduled = false
    while (pending.length && inFlight < maxInFlight) {
      const batch = pending.splice(0, maxBatch)
      inFlight += 1
      void Promise.resolve()
        .then(() => flush(batch.map(b => b.item)))
        .then(
          out => batch.forEach((b, i) => b.done(out[i]!)),
          error => batch.forEach(b => b.fail(error)),
        )
        .finally(() => {
          inFlight -= 1
          schedule()
        })
    }
  }

  return item => new Promise<O>((done, fail) => {
    pending.push({ item, done, fail })
    schedule()
  })
}
