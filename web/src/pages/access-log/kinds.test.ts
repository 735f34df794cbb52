import { describe, expect, it } from 'vitest'
import { accessKind, groupByDay } from './kinds'

describe('访问记录 kinds and days', () => {
  it('tells a look from a step taken and from signing in', () => {
    expect(['coverage.read', 'slip.list', 'slip.explain', 'slip.pdf', 'payment.receipt_pdf', 'profile.cert_no.unmask',
      'desk.person.lookup', 'desk.evoucher.verify'].map(accessKind)).toEqual(Array.from({ length: 8 }, () => 'view'))
    expect(['refund.request', 'payment.order', 'cross_region.file', 'family.link', 'desk.payment.order']
      .map(accessKind)).toEqual(Array.from({ length: 5 }, () => 'act'))
    expect(['auth.bind', 'auth.sign_in.phone', 'identity.recover', 'face_check.result', 'desk.identity.recover']
      .map(accessKind)).toEqual(Array.from({ length: 5 }, () => 'signin'))
  })

  it('groups by the Shanghai day of each entry, keeping their order', () => {
    const at = (iso: string) => ({ at: iso })
    const entries = [at('2026-12-03T09:00:00.000+08:00'), at('2026-12-03T00:10:00.000+08:00'),
      at('2026-12-02T23:59:00.000+08:00'), at('2026-11-30T12:00:00.000+08:00')]
    expect(groupByDay(entries)).toEqual([
      { day: '2026-12-03', entries: entries.slice(0, 2) },
      { day: '2026-12-02', entries: [entries[2]] },
      { day: '2026-11-30', entries: [entries[3]] },
    ])
    expect(groupByDay([])).toEqual([])
  })
})
