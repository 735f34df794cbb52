import { mount } from '@vue/test-utils'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { defineComponent } from 'vue'
import { useCountdown } from './use-countdown'

function host() {
  let countdown!: ReturnType<typeof useCountdown>
  const wrapper = mount(defineComponent({
    setup() {
      countdown = useCountdown()
      return () => null
    },
  }))
  return { wrapper, countdown }
}

beforeEach(() => vi.useFakeTimers())
afterEach(() => vi.useRealTimers())

describe('useCountdown', () => {
  it('counts down a second at a time and stops at 0', () => {
    const { countdown } = host()
    countdown.start(3)
    expect(countdown.secondsLeft.value).toBe(3)
    vi.advanceTimersByTime(1000)
    expect(countdown.secondsLeft.value).toBe(2)
    vi.advanceTimersByTime(5000)
    expect(countdown.secondsLeft.value).toBe(0)
    expect(vi.getTimerCount()).toBe(0)
  })

  it('a new start replaces the running countdown; stop ends it at 0', () => {
    const { countdown } = host()
    countdown.start(60)
    vi.advanceTimersByTime(10_000)
    countdown.start(5)
    vi.advanceTimersByTime(1000)
    expect(countdown.secondsLeft.value).toBe(4)
    expect(vi.getTimerCount()).toBe(1)
    countdown.stop()
    expect(countdown.secondsLeft.value).toBe(0)
    expect(vi.getTimerCount()).toBe(0)
  })

  it('leaves no timer behind when its component unmounts', () => {
    const { wrapper, countdown } = host()
    countdown.start(60)
    wrapper.unmount()
    expect(vi.getTimerCount()).toBe(0)
  })
})
