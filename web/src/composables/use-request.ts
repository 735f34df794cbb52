import type { ShallowRef } from 'vue'
import { shallowRef } from 'vue'
import { ApiError } from '../api/errors'

/**
 * Runs an API call with loading and error state. The error keeps its Chinese message and request id
 * so the page can show "如需帮助请提供编号 …".
 */
export interface RequestState<T, A extends unknown[]> {
  data: ShallowRef<T | null>
  error: ShallowRef<ApiError | null>
  loading: ShallowRef<boolean>
  run: (...args: A) => Promise<T | null>
}

export function useRequest<T, A extends unknown[]>(fn: (...args: A) => Promise<T>): RequestState<T, A> {
  const data = shallowRef<T | null>(null) as ShallowRef<T | null>
  const error = shallowRef<ApiError | null>(null)
  const loading = shallowRef(false)

  async function run(...args: A): Promise<T | null> {
    loading.value = true
    error.value = null
    try {
      data.value = await fn(...args)
      return data.value
    }
    catch (e) {
      error.value = e instanceof ApiError ? e : new ApiError('INTERNAL', '系统繁忙，请稍后再试', 0)
      return null
    }
    finally {
      loading.value = false
    }
  }

  return { data, error, loading, run }
}
