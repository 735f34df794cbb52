import type { InjectionKey } from 'vue'
import { inject, onBeforeUnmount } from 'vue'

/**
 * What the desk console offers the panes beside the resident's card: scanner-gun reads they may claim
 * before the page takes them as an 电子凭证 (a WeChat 付款码 for 代缴, say), and a refresh of the card's
 * paid state after a pane changed it.
 */
export interface DeskConsole {
  /**
   * `take` sees every read first while the pane is mounted (the newest claim first) and returns true
   * when the read was its own; the rest go to the 电子凭证 check. Returns the release.
   */
  claimScans: (take: (code: string) => boolean) => () => void
  /** Reads the card's paid state again (after a payment went through, a refund …). */
  refreshPaidState: () => void
}

export const deskConsoleKey: InjectionKey<DeskConsole> = Symbol('desk-console')

/** The console, or null when a pane is shown on its own (tests). */
export function useDeskConsole(): DeskConsole | null {
  return inject(deskConsoleKey, null)
}

/** Claims scanner-gun reads for the lifetime of the calling component (see `DeskConsole.claimScans`). */
export function useClaimScans(take: (code: string) => boolean): void {
  const release = useDeskConsole()?.claimScans(take)
  onBeforeUnmount(() => release?.())
}
