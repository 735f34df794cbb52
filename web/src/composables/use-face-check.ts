import type { FaceCheckStart, FaceCheckView, FacePurpose } from '@yibao/shared'
import type { InjectionKey } from 'vue'
import { inject, shallowRef } from 'vue'
import { useI18n } from 'vue-i18n'
import { useRoute, useRouter } from 'vue-router'
import { api } from '../api/client'
import { ApiError, unwrap } from '../api/errors'

/** Refusals of a guarded action that the face step answers (start one, or start again). */
export const FACE_CODES: ReadonlySet<string> = new Set([
  'FACE_VERIFICATION_REQUIRED',
  'FACE_CHECK_FAILED',
  'FACE_NOT_SAME_PERSON',
  'FACE_CHECK_PENDING',
  'FACE_CHECK_EXPIRED',
  'FACE_CHECK_USED',
  'FACE_CHECK_MISMATCH',
])

const STORE_PREFIX = 'yb_face:'

/** Sends the browser to the provider's page (default `location.assign`). */
export const FACE_GO: InjectionKey<(url: string) => void> = Symbol('face-go')

/** The check the browser came back from, and what the page stashed before it left. */
export interface Resumed<R> { check: FaceCheckView, resume: R | null }

/** What a page needs to resume when the browser comes back from the provider's page. */
interface Stash<R> { id: string, resume: R }

/**
 * Kept in this tab's sessionStorage only while the person is on the provider's page (gone when the tab
 * closes; removed as soon as the page resumes): the form the face step interrupted. Never in the URL.
 */
function stash<R>(purpose: FacePurpose, value: Stash<R>): void {
  try {
    sessionStorage.setItem(STORE_PREFIX + purpose, JSON.stringify(value))
  }
  catch {}
}

function recall<R>(purpose: FacePurpose, id: string): R | null {
  try {
    const raw = sessionStorage.getItem(STORE_PREFIX + purpose)
    sessionStorage.removeItem(STORE_PREFIX + purpose)
    const value = raw ? JSON.parse(raw) as Stash<R> : null
    return value?.id === id ? value.resume : null
  }
  catch {
    return null
  }
}

/**
 * 人脸核身 in a page: `start` sends the browser to the provider's page (the sandbox's simulator in demos);
 * when it comes back (`?face=<id>`), `resumed` reads the check's status and hands back what the page
 * stashed. The result is the server's (asked from the provider by BizToken), never the URL's. How the browser
 * leaves for the provider's page can be replaced with `provide(FACE_GO, …)` (component tests watch it).
 */
export function useFaceCheck<R>() {
  const go = inject(FACE_GO, (url: string) => window.location.assign(url), false)
  const route = useRoute()
  const router = useRouter()
  const starting = shallowRef(false)
  const { t } = useI18n()

  async function start(input: FaceCheckStart, resume: R): Promise<void> {
    starting.value = true
    try {
      const started = await unwrap(api.api.v1['face-checks'].$post({ json: input }))
      stash(input.purpose, { id: started.id, resume })
      go(started.url)
    }
    finally {
      starting.value = false
    }
  }

  /** The check the browser came back from, if any (the `face` query is removed from the address). */
  async function resumed(purpose: FacePurpose): Promise<Resumed<R> | { error: ApiError } | null> {
    const id = typeof route.query.face === 'string' ? route.query.face : null
    if (!id) return null
    const { face: _face, ...query } = route.query
    await router.replace({ query })
    try {
      const check = await unwrap(api.api.v1['face-checks'][':id'].$get({ param: { id } }))
      if (check.purpose !== purpose) return null
      return { check, resume: recall<R>(purpose, id) }
    }
    catch (e) {
      recall<R>(purpose, id)
      return { error: e instanceof ApiError ? e : new ApiError('NETWORK', '网络连接失败，请检查网络后重试', 0) }
    }
  }

  /**
   * The face step after the browser came back (`resumed`), as a page shows it: null when it did not come back
   * from a check of `purpose`; else `message`, why the check did not pass (null: passed, go on), and what the
   * page stashed before it left (none when the check could not be read).
   */
  async function resumedStep(purpose: FacePurpose): Promise<{ message: string | null, resume: R | null } | null> {
    const back = await resumed(purpose)
    if (!back) return null
    if ('error' in back) return { message: back.error.message, resume: null }
    const passed = back.check.status === 'passed'
    return { message: passed ? null : t(faceStatusKey(back.check.status)), resume: back.resume }
  }

  return { start, resumed, resumedStep, starting }
}

/** The i18n key of what a finished check means for the person (`face.status.*`). */
export function faceStatusKey(status: FaceCheckView['status']): string {
  return `face.status.${status}`
}
