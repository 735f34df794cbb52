import type { FamilyLinkView, FamilyRelation } from '@yibao/shared'
import type { Context } from 'hono'
import type { AppEnv } from '../lib/types'
import type { FamilyLink } from '../storage/family'
import {
  ageOn,
  FAMILY_RELATION_LABELS,
  FamilyLinkViewSchema,
  IdCardNoSchema,
  idCardFacts,
  maskIdCard,
  maskName,
  OkAckSchema,
  PersonNameSchema,
  PersonProfileSchema,
} from '@yibao/shared'
import { Hono } from 'hono'
import { z } from 'zod'
import { CONSENT_AGE, decideLink, MAX_FAMILY_MEMBERS } from '../domain/family'
import { toProfileView } from '../domain/person'
import { requirePassedFaceCheck } from '../identity/face-checks'
import { AppError } from '../lib/errors'
import { doc } from '../lib/openapi'
import { rateLimit } from '../lib/rate-limit'
import { currentResident, resolveSubject } from '../lib/resident'
import { validate } from '../lib/validate'
import { findResidentBy } from '../storage/residents'
import { findLink, insertLink, listOpenLinksOfMember, listOpenLinksOfOwner, updateOpenLink } from '../storage/family'
import { FACE_REFUSALS, faceCaller } from './face-checks'

const TAG = '家庭成员'

export const FamilyLinkInputSchema = z.object({ name: PersonNameSchema, certNo: IdCardNoSchema })

function view(link: FamilyLink, name = link.memberNameMasked, certNoMasked?: string): FamilyLinkView {
  const relation = link.relation as FamilyRelation
  return { id: link.id, name, certNo: certNoMasked ?? '', relation, relationLabel: FAMILY_RELATION_LABELS[relation] ?? FAMILY_RELATION_LABELS.other, status: link.status as FamilyLinkView['status'], createdAt: link.createdAt.toISOString() }
}

/** The reverse relation (how the owner is related to the member), for the member's view. */
const REVERSE: Record<FamilyRelation, FamilyRelation> = { spouse: 'spouse', child: 'parent', grandchild: 'grandparent', parent: 'child', grandparent: 'grandchild', sibling: 'sibling', other: 'other' }

function record(c: Context<AppEnv>, actorId: string, action: string, link: { memberCertRef: string, id: string }, success = true) {
  return c.get('deps').audit.record({ actorType: 'resident', actorId, subjectRef: link.memberCertRef, channel: 'family', action, target: `family_link:${link.id}`, success, requestId: c.get('requestId'), clientIp: c.get('deps').clientIp(c) })
}

/** An open link owned by the caller, or 404 (never reveal links of other people). */
async function ownLink(c: Context<AppEnv>, accountId: string, id: string): Promise<FamilyLink> {
  const link = await findLink(c.get('deps').storage.db, id)
  if (!link || link.ownerAccountId !== accountId) throw new AppError('NOT_FOUND', 404)
  return link
}

/** 亲情账户: bind up to five family members, consent, unbind, and see a bound member's coverage. */
export const familyRoutes = new Hono<AppEnv>()
  .get('/links', doc({
    summary: '查看已添加的家庭成员',
    tag: TAG,
    audience: 'resident',
    ok: { 200: z.array(FamilyLinkViewSchema) },
  }), async (c) => {
    const { account } = await currentResident(c)
    const { storage, vault } = c.get('deps')
    const links = await listOpenLinksOfOwner(storage.db, account.id)
    c.header('Cache-Control', 'no-store')
    return c.json(links.map(l => view(l, l.memberNameMasked, maskIdCard(vault.decrypt(l.memberCertNoEnc)))), 200)
  })
  .post('/links', doc({
    summary: '添加家庭成员',
    description: '未满16周岁、户籍显示为本人子女或孙子女的，直接绑定；16周岁及以上的，须先由其本人在此手机上'
      + '完成人脸核身，再在其自己的账号中同意后生效。',
    tag: TAG,
    audience: 'resident',
    ok: { 201: FamilyLinkViewSchema },
    errors: {
      400: ['FAMILY_SELF'],
      403: ['FAMILY_NOT_CONFIRMED', ...FACE_REFUSALS],
      404: ['PERSON_NOT_FOUND'],
      409: ['FAMILY_ALREADY_LINKED', 'FAMILY_LIMIT_REACHED'],
    },
    upstream: true,
  }), rateLimit({ bucket: 'lookups', limit: 10, windowSeconds: 60 }), validate('json', FamilyLinkInputSchema),
  async (c) => {
    const { account, certNo: ownCertNo } = await currentResident(c)
    const { name, certNo } = c.req.valid('json')
    const { storage, vault, nhsa, now } = c.get('deps')
    if (certNo === ownCertNo) throw new AppError('FAMILY_SELF', 400, { fields: { certNo: '不能添加本人' } })
    const memberCertRef = vault.ref(certNo)
    const open = await listOpenLinksOfOwner(storage.db, account.id)
    if (open.some(l => l.memberCertRef === memberCertRef)) throw new AppError('FAMILY_ALREADY_LINKED', 409)
    if (open.length >= MAX_FAMILY_MEMBERS) throw new AppError('FAMILY_LIMIT_REACHED', 409)
    // The bureau confirms that the name belongs to the ID number, and the household register tells the relation.
    const person = await nhsa.getPersonInfo(certNo, { name, logger: c.get('logger') })
    const register = await nhsa.getFamilyRelation(ownCertNo, certNo, { logger: c.get('logger') })
    const age = ageOn(idCardFacts(certNo).birthDate, now())
    const decision = decideLink(age, register)
    const base = { ownerAccountId: account.id, memberCertRef, memberCertNoEnc: vault.encrypt(certNo), memberNameMasked: maskName(person.name), relation: register.relation, createdAt: now() }
    if (decision.kind === 'refused') {
      await record(c, account.id, 'family.link', { memberCertRef, id: 'refused' }, false)
      throw new AppError('FAMILY_NOT_CONFIRMED', 403)
    }
    // A member of 16 or more does a 人脸核身 on this phone first (their own face, for this owner's session).
    if (age >= CONSENT_AGE)
      await requirePassedFaceCheck(c.get('deps'), faceCaller(c), { purpose: 'family_bind', certNo })
    const link = await insertLink(storage.db, decision.kind === 'active'
      ? { ...base, status: 'active', consentMethod: decision.consentMethod, activatedAt: now() }
      : { ...base, status: 'pending_consent' })
    await record(c, account.id, 'family.link', link)
    c.header('Cache-Control', 'no-store')
    return c.json(view(link, link.memberNameMasked, maskIdCard(certNo)), 201)
  })
  .delete('/links/:id', doc({
    summary: '解除与家庭成员的绑定',
    tag: TAG,
    audience: 'resident',
    ok: { 200: OkAckSchema },
  }), async (c) => {
    const { account } = await currentResident(c)
    const link = await ownLink(c, account.id, c.req.param('id'))
    const ended = await updateOpenLink(c.get('deps').storage.db, link.id, ['pending_consent', 'active'], { status: 'revoked', now: c.get('deps').now() })
    if (!ended) throw new AppError('NOT_FOUND', 404)
    await record(c, account.id, 'family.unlink', link)
    return c.json({ ok: true as const }, 200)
  })
  .get('/links/:id/profile', doc({
    summary: '查看已绑定家庭成员的参保信息',
    tag: TAG,
    audience: 'resident',
    ok: { 200: PersonProfileSchema },
    errors: { 404: ['PERSON_NOT_FOUND'] },
    upstream: true,
  }), async (c) => {
    const subject = await resolveSubject(c, c.req.param('id'))
    const { nhsa, now } = c.get('deps')
    const person = await nhsa.getPersonInfo(subject.certNo, { logger: c.get('logger') })
    await record(c, subject.asker.id, 'family.profile.read', { memberCertRef: subject.certRef, id: subject.linkId! })
    c.header('Cache-Control', 'no-store')
    return c.json(toProfileView(person, now()), 200)
  })
  .get('/requests', doc({
    summary: '查看别人添加我为家庭成员的请求',
    tag: TAG,
    audience: 'resident',
    ok: { 200: z.array(FamilyLinkViewSchema) },
  }), async (c) => {
    const { account } = await currentResident(c)
    const { storage } = c.get('deps')
    const links = await listOpenLinksOfMember(storage.db, account.certRef)
    const owners = await Promise.all(links.map(l => findResidentBy(storage.db, 'id', l.ownerAccountId)))
    c.header('Cache-Control', 'no-store')
    return c.json(links.map((l, i) => ({ ...view({ ...l, relation: REVERSE[l.relation as FamilyRelation] ?? 'other' }, owners[i]?.nameMasked ?? '*'), certNo: '' })), 200)
  })
  .post('/requests/:id/:decision{approve|decline}', doc({
    summary: '同意或拒绝别人添加我为家庭成员',
    tag: TAG,
    audience: 'resident',
    ok: { 200: OkAckSchema },
  }), async (c) => {
    const { account } = await currentResident(c)
    const link = await findLink(c.get('deps').storage.db, c.req.param('id'))
    if (!link || link.memberCertRef !== account.certRef) throw new AppError('NOT_FOUND', 404)
    const approve = c.req.param('decision') === 'approve'
    const done = await updateOpenLink(c.get('deps').storage.db, link.id, ['pending_consent'], approve ? { status: 'active', consentMethod: 'member_account', now: c.get('deps').now() } : { status: 'declined', now: c.get('deps').now() })
    if (!done) throw new AppError('NOT_FOUND', 404)
    await record(c, account.id, approve ? 'family.consent' : 'family.decline', link)
    return c.json({ ok: true as const }, 200)
  })
  .delete('/requests/:id', doc({
    summary: '解除别人对我的家庭成员绑定（对方立即不能再查看我的信息）',
    tag: TAG,
    audience: 'resident',
    ok: { 200: OkAckSchema },
  }), async (c) => {
    // A member withdraws a link someone else made to them (they stop being visible at once).
    const { account } = await currentResident(c)
    const link = await findLink(c.get('deps').storage.db, c.req.param('id'))
    if (!link || link.memberCertRef !== account.certRef) throw new AppError('NOT_FOUND', 404)
    if (!await updateOpenLink(c.get('deps').storage.db, link.id, ['pending_consent', 'active'], { status: 'revoked', now: c.get('deps').now() })) throw new AppError('NOT_FOUND', 404)
    await record(c, account.id, 'family.unlink_by_member', link)
    return c.json({ ok: true as const }, 200)
  })
