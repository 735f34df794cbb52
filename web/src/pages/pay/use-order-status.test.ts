import type { OrderLike, OrderStatus } from './use-order-status'
import { flushPromises, mount } from '@vue/test-utils'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { defineComponent, h } from 'vue'
import { POLL_MS, useOrderStatus } from './use-order-status'

/** A stand-in for the browser's EventSource: the test refuses it (429: CLOSED) or drops it (CONNECTING). */
class FakeEventSource {
  static CONNECTING = 0
  static OPEN = 1
  static CLOSED = 2
  static made: FakeEventSource[] = []
  readyState = 0
  onerror: (() => void) | null = null
  constructor(readonly url: string) {
    FakeEventSource.made.push(this)
  }

  addEventListener() {}
  close() {
    this.readyState = 2
  }

  /** The BFF answered 429 ORDER_STREAMS_BUSY (not an event stream): the browser gives up on it. */
  refuse() {
    this.readyState = 2
    this.onerror?.()
  }

  /** The connection dropped: the browser reconnects by itself. */
  drop() {
    this.readyState = 0
    this.onerror?.()
  }
}

type Order = OrderLike & { n: number }

function follow(answers: Order['status'][]) {
  let calls = 0
  const load = vi.fn(async (): Promise<Order> => {
    const status = answers[Math.min(calls, answers.length - 1)]!
    calls += 1
    return { id: 'o1', status, n: calls }
  })
  let status!: OrderStatus<Order>
  const wrapper = mount(defineComponent({
    setup() {
      status = useOrderStatus(load, () => '/api/v1/payments/orders/o1/events')
      return () => h('p')
    },
  }))
  return { load, status: () => status, wrapper }
}

beforeEach(() => {
  vi.useFakeTimers()
  FakeEventSource.made = []
  Object.defineProperty(globalThis, 'EventSource', { value: FakeEventSource, configurable: true, writable: true })
})
afterEach(() => {
  vi.useRealTimers()
})

describe('useOrderStatus', () => {
  it('falls back to asking for the order every few seconds when the stream is refused, and shows no error', async () => {
    const { load, status, wrapper } = follow(['prepaid', 'prepaid', 'prepaid', 'paid'])
    await status().start()
    expect([load.mock.calls.length, status().mode.value, FakeEventSource.made.length]).toEqual([1, 'events', 1])
    FakeEventSource.made[0]!.refuse()
    expect(status().mode.value).toBe('polling')
    await vi.advanceTimersByTimeAsync(POLL_MS - 1)
    expect(load.mock.calls.length).toBe(1)
    await vi.advanceTimersByTimeAsync(1)
    await flushPromises()
    expect(load.mock.calls.length).toBe(2)
    await vi.advanceTimersByTimeAsync(2 * POLL_MS)
    await flushPromises()
    expect(status().order.value).toMatchObject({ status: 'paid', n: 4 })
    expect([status().mode.value, status().error.value]).toEqual(['idle', null])
    // Paid is final: nothing more is asked, and no second stream was opened.
    await vi.advanceTimersByTimeAsync(5 * POLL_MS)
    expect([load.mock.calls.length, FakeEventSource.made.length]).toEqual([4, 1])
    wrapper.unmount()
  })

  it('keeps the stream through a dropped connection (the browser reconnects), without polling', async () => {
    const { load, status, wrapper } = follow(['prepaid'])
    await status().start()
    FakeEventSource.made[0]!.drop()
    await vi.advanceTimersByTimeAsync(3 * POLL_MS)
    expect([status().mode.value, load.mock.calls.length, status().error.value]).toEqual(['events', 1, null])
    wrapper.unmount()
    expect(FakeEventSource.made[0]!.readyState).toBe(2)
  })
})
