import type { Ref, ShallowRef } from 'vue'
import type { Confirmation } from '../pages/pay/pay-flow'
import { ref, shallowRef } from 'vue'
import { ApiError } from '../api/errors'
import { confirmationFor, isRetryable } from '../pages/pay/pay-flow'

export interface ConfirmedSubmit<B> {
  busy: Ref<boolean>
  /** The failure of the last try (the envelope's Chinese message), or null. */
  error: ShallowRef<ApiError | null>
  /** The last try may be sent again as it was (network, 5xx, still in progress): same key. */
  canRetry: Ref<boolean>
  /** Sends `body` with the confirmation's Idempotency-Key; true when it went through. */
  submit: (body: B, send: (key: string) => Promise<unknown>) => Promise<boolean>
  /** Forgets the state of the last try (a field was edited: the next tap is a new confirmation). */
  reset: () => void
}

/**
 * A state-changing POST sent once per confirmation (退费申请, 异地就医备案 …): retrying the same body after
 * a failure that may be retried reuses its Idempotency-Key, so the server does the work once; any
 * definite answer, or a changed body, makes the next tap a new confirmation with a new key.
 */
export function useConfirmedSubmit<B>(failedText: () => string): ConfirmedSubmit<B> {
  const busy = ref(false)
  const error = shallowRef<ApiError | null>(null)
  const canRetry = ref(false)
  let confirmation: Confirmation<B> | null = null

  async function submit(body: B, send: (key: string) => Promise<unknown>): Promise<boolean> {
    busy.value = true
    error.value = null
    canRetry.value = false
    confirmation = confirmationFor(body, confirmation)
    try {
      await send(confirmation.key)
      confirmation = null
      return true
    }
    catch (e) {
      const err = e instanceof ApiError ? e : new ApiError('INTERNAL', failedText(), 0)
      error.value = err
      canRetry.value = isRetryable(err.code, err.status)
      // A definite answer is stored under its key: the next tap is a new request.
      if (!canRetry.value) confirmation = null
      return false
    }
    finally {
      busy.value = false
    }
  }

  function reset() {
    error.value = null
    canRetry.value = false
  }

  return { busy, error, canRetry, submit, reset }
}
