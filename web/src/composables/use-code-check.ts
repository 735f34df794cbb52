import type { Ref, ShallowRef } from 'vue'
import { nextTick, onMounted, ref, shallowRef, watch } from 'vue'
import { useRoute, useRouter } from 'vue-router'
import { ApiError } from '../api/errors'

/** What a public check page (缴费凭证核验, 参保证明核验) holds: the code, its problem, the answer and where to focus. */
export interface CodeCheck<T> {
  code: Ref<string>
  codeError: Ref<string | undefined>
  busy: Ref<boolean>
  found: ShallowRef<T | null>
  notFound: Ref<boolean>
  error: ShallowRef<ApiError | null>
  resultHeading: Ref<HTMLElement | null>
  verify: (focus?: boolean) => Promise<void>
}

/**
 * A public check by a printed code, typed in or taken from the paper's QR code (`?code=`): the code is normalised
 * (`normalise` gives null for one that cannot be right: `invalid` is said beside the field), kept in the address as
 * typed, and checked with `fetch`; a 404 is "not ours", any other failure the one ApiError. The result's heading
 * takes the focus after a check the person started.
 */
export function useCodeCheck<T>(
  normalise: (text: string) => string | null,
  fetch: (code: string) => Promise<T>,
  invalid: () => string,
): CodeCheck<T> {
  const route = useRoute()
  const router = useRouter()
  const code = ref(typeof route.query.code === 'string' ? route.query.code : '')
  const codeError = ref<string | undefined>()
  const busy = ref(false)
  const found = shallowRef<T | null>(null)
  const notFound = ref(false)
  const error = shallowRef<ApiError | null>(null)
  const resultHeading = ref<HTMLElement | null>(null)

  async function verify(focus = true) {
    const canonical = normalise(code.value)
    codeError.value = canonical ? undefined : invalid()
    found.value = null
    notFound.value = false
    error.value = null
    if (!canonical) return
    code.value = canonical
    if (route.query.code !== canonical) await router.replace({ query: { code: canonical } })
    busy.value = true
    try {
      found.value = await fetch(canonical)
    }
    catch (e) {
      if (e instanceof ApiError && e.status === 404) notFound.value = true
      else if (e instanceof ApiError) error.value = e
    }
    finally {
      busy.value = false
    }
    if (focus) {
      await nextTick()
      resultHeading.value?.focus()
    }
  }

  onMounted(() => {
    if (code.value) void verify(false)
  })
  watch(() => route.query.code, (q) => {
    if (typeof q === 'string' && q !== code.value) {
      code.value = q
      void verify(false)
    }
  })
  return { code, codeError, busy, found, notFound, error, resultHeading, verify }
}
