import type { SessionView } from '@yibao/shared'
import { defineStore } from 'pinia'
import { computed, shallowRef } from 'vue'
import { api } from '../api/client'
import { setCsrfToken } from '../api/csrf'
import { unwrap } from '../api/errors'

/** Who is using the app: a signed-in resident, someone half-way through 实名认证, or nobody. */
export const useSessionStore = defineStore('session', () => {
  const view = shallowRef<SessionView | null>(null)
  let pending: Promise<SessionView> | null = null

  /** Loads the session once (all callers share the request); `force` asks again. */
  async function load(force = false): Promise<SessionView> {
    if (view.value && !force) return view.value
    pending ??= unwrap(api.api.v1.session.$get()).then((v) => {
      view.value = v
      setCsrfToken(v.csrfToken)
      return v
    }).finally(() => { pending = null })
    return pending
  }

  async function signOut() {
    await unwrap(api.api.v1.session.$delete())
    await load(true)
  }

  async function signOutEverywhere() {
    await unwrap(api.api.v1.session['sign-out-everywhere'].$post())
    await load(true)
  }

  /**
   * 撤回同意: the BFF records the withdrawal and ends every session of the account (this one too), so the app
   * processes nothing more of the resident's data.
   */
  async function withdrawConsent() {
    await unwrap(api.api.v1.me.consent.withdraw.$post())
    await load(true)
  }

  /** The server said the session is over (401): what was loaded is no longer true. */
  function forget() {
    view.value = null
  }

  const signedIn = computed(() => view.value?.kind === 'resident')
  /** A signed-in resident who must agree to the current 用户协议 and 隐私政策 before anything else. */
  const consentRequired = computed(() => signedIn.value && view.value?.resident?.consent?.required === true)
  return { view, signedIn, consentRequired, load, signOut, signOutEverywhere, withdrawConsent, forget }
})
