import type { PersonProfile } from '@yibao/shared'
import { defineStore } from 'pinia'
import { api } from '../api/client'
import { unwrap } from '../api/errors'
import { useRequest } from '../composables/use-request'

/** The signed-in resident's masked profile (from the bureau via the BFF). */
export const useProfileStore = defineStore('profile', () => {
  const { data: profile, error, loading, run } = useRequest((): Promise<PersonProfile> => unwrap(api.api.v1.me.profile.$get()))

  /** Loads once; `force` reloads. */
  async function load(force = false) {
    if (profile.value && !force) return profile.value
    return run()
  }

  /** Forgets the profile (sign-in or sign-out changed who "me" is). */
  function reset() {
    profile.value = null
    error.value = null
  }

  return { profile, error, loading, load, reset }
})
