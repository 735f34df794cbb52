import type { NotificationSource } from './order-events'
import { describe, expect, it } from 'vitest'
import { createTestStorage, insertOneLineOrder } from '../testing/storage'
import { createOrderEvents } from './order-events'
import { claimOrderQuery, findOrderBy, transitionOrder } from './payments'

/** A source the test drives: what LISTEN would deliver, and a reconnect. */
function fakeSource(failFirst = false) {
  let payload: ((p: string) => void) | undefined
  let resumed: (() => void) | undefined
  let starts = 0
  let stops = 0
  const source: NotificationSource = {
    async start(onPayload, onResumed) {
      starts += 1
      if (failFirst && starts === 1) throw new Error('database down')
      payload = onPayload
      resumed = onResumed
    },
    async stop() {
      stops += 1
    },
  }
  return { source, notify: (p: string) => payload!(p), resume: () => resumed!(), counts: () => ({ starts, stops }) }
}

describe('order events', () => {
  it('tells the subscribers of the notified order only, until they unsubscribe; a reconnect wakes everyone', async () => {
    const fake = fakeSource()
    const events = createOrderEvents(fake.source)
    const calls: string[] = []
    const offA1 = await events.subscribe('a', () => calls.push('a1'))
    await events.subscribe('a', () => calls.push('a2'))
    const offB = await events.subscribe('b', () => calls.push('b'))
    expect([events.subscribers, fake.counts().starts]).toEqual([3, 1])
    fake.notify('a')
    fake.notify('nobody')
    expect(calls).toEqual(['a1', 'a2'])
    offA1()
    offA1()
    fake.notify('a')
    expect(calls).toEqual(['a1', 'a2', 'a2'])
    // Notifications may have been missed while the listener was away: everyone reads again.
    fake.resume()
    expect(calls.slice(3).sort()).toEqual(['a2', 'b'])
    offB()
    expect(events.subscribers).toBe(1)
    await events.close()
    expect(fake.counts()).toEqual({ starts: 1, stops: 1 })
  })

  it('a subscription whose listener could not start fails, and the next one tries again', async () => {
    const fake = fakeSource(true)
    const events = createOrderEvents(fake.source)
    await expect(events.subscribe('a', () => {})).rejects.toThrow('database down')
    expect(events.subscribers).toBe(0)
    const calls: string[] = []
    await events.subscribe('a', () => calls.push('a'))
    fake.notify('a')
    expect([calls, fake.counts().starts]).toEqual([['a'], 2])
    await events.close()
  })

  it('on the test database: a status change notifies once its transaction commits, never if it rolls back', async () => {
    const storage = await createTestStorage()
    try {
      const at = new Date('2026-12-31T15:59:59Z')
      const id = (await insertOneLineOrder(storage.db, at)).order.id
      const got: string[] = []
      await storage.orderEvents.subscribe(id, () => got.push('changed'))
      const settle = async (ms: number) => await new Promise(r => setTimeout(r, ms))

      // Not a change of status (the WeChat Pay query lease): nobody is told.
      expect(await claimOrderQuery(storage.db, id, at, 3000)).toBe(true)
      await settle(300)
      expect(got).toEqual([])

      // A transition: told when it commits, not before.
      let reachedBeforeCommit = true
      await storage.db.transaction(async (tx) => {
        await transitionOrder(tx, id, 'prepay', { prepayId: 'wx-prepay-1' })
        await settle(100)
        reachedBeforeCommit = got.length > 0
      })
      const deadline = Date.now() + 5000
      while (!got.length && Date.now() < deadline) await settle(10)
      expect([reachedBeforeCommit, got]).toEqual([false, ['changed']])

      // Rolled back: never told.
      await storage.db.transaction(async (tx) => {
        await transitionOrder(tx, id, 'close')
        tx.rollback()
      }).catch(() => {})
      await settle(300)
      expect(got).toEqual(['changed'])
      expect((await findOrderBy(storage.db, 'id', id))!.status).toBe('prepaid')
    }
    finally {
      await storage.close()
    }
  })
})
