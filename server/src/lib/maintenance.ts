import type { AppDeps } from './types'
import { pruneRateLimits } from '../storage/rate-limits'
import { pruneSignInGuards } from '../storage/staff'

/** Rate-limit windows last an hour at most: one ended a day ago counts for nothing any more. */
export const RATE_LIMIT_KEEP_MS = 24 * 3600_000
/** Staff sign-in counts untouched for a day, whose lock (if any) has passed, are forgotten. */
export const SIGN_IN_GUARD_KEEP_MS = 24 * 3600_000
/** How often each instance tidies up (any instance may: the deletes are idempotent). */
export const MAINTENANCE_EVERY_MS = 10 * 60_000

/** Deletes what no longer counts: ended rate-limit windows and stale sign-in counts, on the app's clock. */
export async function runMaintenance(deps: Pick<AppDeps, 'storage' | 'now'>): Promise<void> {
  const at = deps.now().getTime()
  await pruneRateLimits(deps.storage.db, new Date(at - RATE_LIMIT_KEEP_MS))
  await pruneSignInGuards(deps.storage.db, new Date(at - SIGN_IN_GUARD_KEEP_MS))
}

export interface Maintenance {
  /** Runs once now (skipped while a run is under way). */
  tick: () => Promise<void>
  stop: () => void
}

/**
 * Runs `runMaintenance` every `intervalMs` (the first run after one interval). The timer is unref'd, so
 * it never keeps the process alive; a failed run is logged and tried again next time.
 */
export function startMaintenance(
  deps: Pick<AppDeps, 'storage' | 'now' | 'logger'>,
  { intervalMs = MAINTENANCE_EVERY_MS }: { intervalMs?: number } = {},
): Maintenance {
  let running = false
  const tick = async () => {
    if (running) return
    running = true
    try {
      await runMaintenance(deps)
    }
    catch (error) {
      deps.logger.warn({ err: error }, 'maintenance failed, will retry')
    }
    finally {
      running = false
    }
  }
  const timer = setInterval(() => void tick(), intervalMs)
  timer.unref()
  return { tick, stop: () => clearInterval(timer) }
}
