/**
 * Group commit: calls that arrive while a batch is being stored wait for the next one, which takes all
 * of them; only one batch is in flight at a time, so under load batches grow instead of statements
 * multiplying. Each caller gets its own result once its batch is stored: nothing waits past its own
 * batch, so a crash loses no write whose caller was answered.
 */
export function createBatcher<I, O>(flush: (items: I[]) => Promise<O[]>, maxBatch = 200): (item: I) => Promise<O> {
  const pending: { item: I, done: (o: O) => void, fail: (e: unknown) => void }[] = []
  let scheduled = false
  let running = false

  async function run() {
    scheduled = false
    running = true
    try {
      while (pending.length) {
        const batch = pending.splice(0, maxBatch)
        try {
          const out = await flush(batch.map(b => b.item))
          batch.forEach((b, i) => b.done(out[i]!))
        }
        catch (error) {
          batch.forEach(b => b.fail(error))
        }
      }
    }
    finally {
      running = false
    }
  }

  return item => new Promise<O>((done, fail) => {
    pending.push({ item, done, fail })
    if (!scheduled && !running) {
      scheduled = true
      setImmediate(() => void run())
    }
  })
}
