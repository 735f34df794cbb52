import { onBeforeUnmount, ref } from 'vue'

/**
 * A whole-second countdown, e.g. until an SMS code may be sent again (`resendAfterSeconds` of the BFF):
 * `start(n)` counts `secondsLeft` down from n to 0 (a new start replaces the running one), `stop` sets it to 0.
 * The timer is cleared when the component unmounts.
 */
export function useCountdown() {
  const secondsLeft = ref(0)
  let timer: ReturnType<typeof setInterval> | undefined

  function stop() {
    clearInterval(timer)
    secondsLeft.value = 0
  }

  function start(seconds: number) {
    clearInterval(timer)
    secondsLeft.value = seconds
    timer = setInterval(() => {
      secondsLeft.value -= 1
      if (secondsLeft.value <= 0) clearInterval(timer)
    }, 1000)
  }

  onBeforeUnmount(() => clearInterval(timer))
  return { secondsLeft, start, stop }
}
