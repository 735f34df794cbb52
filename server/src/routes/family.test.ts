import type { Storage } from '../storage/types'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { listAuditForSubject } from '../storage/audit'
import { TestBrowser } from '../testing/auth'
import { DONGYING_ADULT, DONGYING_CHILD, FENGXIANG_CHILD, GUIZHOU_POVERTY } from '../testing/nhsa-handlers'
import { createTestStorage } from '../testing/storage'
import { createTestApp } from '../testing/test-app'

let storage: Storage
beforeAll(async () => { storage = await createTestStorage() })
afterAll(async () => { await storage.close() })

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- reply bodies are checked with toMatchObject below
async function json(res: Response): Promise<any> {
  return res.json()
}

const now = () => new Date('2026-11-22T04:00:00Z')
async function signIn(person: { psn_name: string, certno: string }) {
  const t = createTestApp({ storage, now })
  const b = new TestBrowser(t.app)
  await b.signInDirect(t.deps, { name: person.psn_name, certNo: person.certno })
  return { ...t, b }
}

describe('亲情账户 (family accounts)', () => {
  it('links a grandchild under 16 at once on the household register, and shows their coverage', async () => {
    const { b, deps } = await signIn(DONGYING_ADULT)
    const res = await b.request('/api/v1/family/links', { method: 'POST', json: { name: DONGYING_CHILD.psn_name, certNo: DONGYING_CHILD.certno } })
    expect(res.status).toBe(201)
    expect(res.headers.get('cache-control')).toBe('no-store')
    const link = await json(res)
    expect(link).toMatchObject({ name: '刘**', certNo: '370502********0825', relation: 'grandchild', relationLabel: '孙子女/外孙子女', status: 'active' })
    const profile = await b.request(`/api/v1/family/links/${link.id}/profile`)
    expect(profile.status).toBe(200)
    expect(await json(profile)).toMatchObject({ name: '刘**', enrolments: [{ category: 'student', status: 'active' }] })
    const events = await listAuditForSubject(storage.db, deps.vault.ref(DONGYING_CHILD.certno))
    expect(events.map(e => `${e.channel}:${e.action}`)).toEqual(['family:family.profile.read', 'family:family.link'])
  })

  it('asks a member aged 16 or more to consent from their own account before anything is visible', async () => {
    const owner = await signIn(GUIZHOU_POVERTY)
    const member16 = { name: FENGXIANG_CHILD.psn_name, certNo: FENGXIANG_CHILD.certno }
    // 16 or older: the member's own 人脸核身 on the owner's phone comes first.
    const noFace = await owner.b.request('/api/v1/family/links', { method: 'POST', json: member16 })
    expect(noFace.status).toBe(403)
    expect(await json(noFace)).toMatchObject({ error: { code: 'FACE_VERIFICATION_REQUIRED', message: expect.stringContaining('人脸') } })
    const face = await owner.b.faceCheck({ purpose: 'family_bind', ...member16 })
    expect(face.location).toBe(`/family?face=${face.id}`)
    const res = await owner.b.request('/api/v1/family/links', { method: 'POST', json: member16 })
    expect(res.status).toBe(201)
    const link = await json(res)
    expect(link).toMatchObject({ status: 'pending_consent', relation: 'other' })
    expect((await owner.b.request(`/api/v1/family/links/${link.id}/profile`)).status).toBe(404)

    const member = await signIn(FENGXIANG_CHILD)
    const requests = await json(await member.b.request('/api/v1/family/requests'))
    expect(requests).toEqual([expect.objectContaining({ id: link.id, name: '杨**', status: 'pending_consent' })])
    expect((await member.b.request(`/api/v1/family/requests/${link.id}/approve`, { method: 'POST' })).status).toBe(200)
    expect((await owner.b.request(`/api/v1/family/links/${link.id}/profile`)).status).toBe(200)

    // The member withdraws: visibility ends at once.
    expect((await member.b.request(`/api/v1/family/requests/${link.id}`, { method: 'DELETE' })).status).toBe(200)
    expect((await owner.b.request(`/api/v1/family/links/${link.id}/profile`)).status).toBe(404)
  })

  it('refuses a child the register does not confirm, oneself, and duplicates', async () => {
    const { b } = await signIn(GUIZHOU_POVERTY)
    const child = await b.request('/api/v1/family/links', { method: 'POST', json: { name: DONGYING_CHILD.psn_name, certNo: DONGYING_CHILD.certno } })
    expect(child.status).toBe(403)
    expect(await json(child)).toMatchObject({ error: { code: 'FAMILY_NOT_CONFIRMED' } })
    const self = await b.request('/api/v1/family/links', { method: 'POST', json: { name: GUIZHOU_POVERTY.psn_name, certNo: GUIZHOU_POVERTY.certno } })
    expect(await json(self)).toMatchObject({ error: { code: 'FAMILY_SELF', fields: { certNo: '不能添加本人' } } })
    const wrongName = await b.request('/api/v1/family/links', { method: 'POST', json: { name: '张三', certNo: DONGYING_ADULT.certno } })
    expect(wrongName.status).toBe(404)
  })

  it('IDOR: another resident cannot read, unbind or approve a link by its id', async () => {
    const owner = await signIn(DONGYING_ADULT)
    const links = await json(await owner.b.request('/api/v1/family/links'))
    const id = links.find((l: { status: string }) => l.status === 'active').id
    const stranger = await signIn(GUIZHOU_POVERTY)
    expect((await stranger.b.request(`/api/v1/family/links/${id}/profile`)).status).toBe(404)
    expect((await stranger.b.request(`/api/v1/family/links/${id}`, { method: 'DELETE' })).status).toBe(404)
    expect((await stranger.b.request(`/api/v1/family/requests/${id}/approve`, { method: 'POST' })).status).toBe(404)
    expect((await stranger.b.request('/api/v1/family/links/not-a-uuid/profile')).status).toBe(404)
    expect((await owner.b.request(`/api/v1/family/links/${id}/profile`)).status).toBe(200)
    // Not signed in at all: 401.
    expect((await new TestBrowser(owner.app).request(`/api/v1/family/links/${id}/profile`)).status).toBe(401)
  })

  it('unbinds at once and audits it', async () => {
    const owner = await signIn(DONGYING_ADULT)
    const links = await json(await owner.b.request('/api/v1/family/links'))
    const id = links[0].id
    expect((await owner.b.request(`/api/v1/family/links/${id}`, { method: 'DELETE' })).status).toBe(200)
    expect((await owner.b.request(`/api/v1/family/links/${id}/profile`)).status).toBe(404)
    expect(await json(await owner.b.request('/api/v1/family/links'))).toEqual([])
    const events = await listAuditForSubject(storage.db, owner.deps.vault.ref(DONGYING_CHILD.certno))
    expect(events[0]).toMatchObject({ action: 'family.unlink', channel: 'family', success: true })
  })
})
