import { onBeforeUnmount } from 'vue'

/** Keeps what a form holds across a sign-in when the session ends under it (登录已过期). */
const savers = new Set<(owner: string) => void>()
const PREFIX = 'yb-draft:'

/** Writes every open form's draft, marked with whose session it was (called just before going to sign in). */
export function saveDrafts(owner: string): void {
  for (const save of savers) save(owner)
}

/**
 * A form whose state survives a sign-in: when the session ends, its fields are kept in this tab's
 * sessionStorage (never a URL or a log) and put back once, when the same resident signs in again and the page
 * opens. A draft of somebody else (a shared phone) is dropped unread. Returns whether a draft was put back.
 */
export function useDraft<T extends object>(key: string, state: T, owner: string | null | undefined): boolean {
  const storageKey = `${PREFIX}${key}`
  let restored = false
  const saved = sessionStorage.getItem(storageKey)
  if (saved !== null) {
    sessionStorage.removeItem(storageKey)
    try {
      const draft = JSON.parse(saved) as { owner: string, state: Partial<T> }
      if (owner && draft.owner === owner) {
        Object.assign(state, draft.state)
        restored = true
      }
    }
    catch {
      // A draft that does not read back is dropped: the form starts empty, as it would have.
    }
  }
  const save = (who: string) => sessionStorage.setItem(storageKey, JSON.stringify({ owner: who, state }))
  savers.add(save)
  onBeforeUnmount(() => savers.delete(save))
  return restored
}
