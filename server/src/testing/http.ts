/** Small helpers the route and payment tests share: reading replies and waiting for the background to catch up. */

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- reply bodies are asserted with toMatchObject
export async function json(res: Response): Promise<any> {
  return res.json()
}

/** Polls `probe` until it gives something other than undefined/false, or throws after `ms`. */
export async function until<T>(probe: () => Promise<T | undefined | false>, ms = 8000, what = 'condition'): Promise<T> {
  const end = Date.now() + ms
  for (;;) {
    const v = await probe()
    if (v !== undefined && v !== false) return v
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await new Promise(r => setTimeout(r, 30))
  }
}

/** Reads until `done` holds for what `read` gives, and returns that (waits up to 10 s). */
export function waitFor<T>(what: string, read: () => Promise<T>, done: (v: T) => boolean): Promise<T> {
  return until(async () => {
    const v = await read()
    return done(v) ? { v } : undefined
  }, 10_000, what).then(box => box.v)
}
