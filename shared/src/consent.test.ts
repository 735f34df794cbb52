import { describe, expect, it } from 'vitest'
import {
  CONSENT_DOCUMENTS,
  CONSENT_VERSION,
  CONSENT_VERSION_RE,
  PRIVACY_POLICY,
  SENSITIVE_CONSENT,
  TERMS_OF_SERVICE,
} from './consent'
import { ConsentInputSchema } from './schemas/consent'

const text = (d: typeof PRIVACY_POLICY) =>
  [d.summary, ...d.sections.flatMap(s => [s.title, ...s.paragraphs])].join('\n')

describe('用户协议 and 隐私政策', () => {
  it('are dated by a version the BFF can record', () => {
    expect(CONSENT_VERSION).toMatch(CONSENT_VERSION_RE)
    expect(CONSENT_DOCUMENTS.map(d => d.id)).toEqual(['terms', 'privacy'])
    for (const d of CONSENT_DOCUMENTS) expect(new Set(d.sections.map(s => s.id)).size).toBe(d.sections.length)
  })

  it('tell what is processed, why, how long, who receives it, the rights and whom to contact (PIPL Art. 17)', () => {
    const policy = text(PRIVACY_POLICY)
    for (const what of ['姓名', '身份证号', '手机号', 'openid', '参保', '结算单', '缴费'])
      expect(policy).toContain(what)
    for (const who of ['医保部门', '税务部门', '微信支付'])
      expect(policy).toContain(who)
    for (const right of ['查阅', '更正', '删除', '撤回同意', '注销'])
      expect(policy).toContain(right)
    expect(policy).toContain('保存多久')
    expect(policy).toContain('12393')
    expect(text(TERMS_OF_SERVICE)).toContain('12393')
  })

  it('ask apart for sensitive information, each kind with why it is needed and its impact (Art. 29, 30)', () => {
    expect(SENSITIVE_CONSENT.items.map(i => i.what).join('')).toMatch(/身份证号.*医疗.*金融/)
    for (const item of SENSITIVE_CONSENT.items) {
      expect(item.why.length).toBeGreaterThan(10)
      expect(item.impact.length).toBeGreaterThan(10)
    }
    expect(SENSITIVE_CONSENT.refusal).toContain('窗口')
  })
})

describe('ConsentInputSchema', () => {
  it('takes the version with both consents given', () => {
    expect(ConsentInputSchema.parse({ version: CONSENT_VERSION, general: true, sensitive: true }))
      .toEqual({ version: CONSENT_VERSION, general: true, sensitive: true })
  })

  it('refuses a missing or refused consent in Chinese, field by field', () => {
    const r = ConsentInputSchema.safeParse({ version: 'latest', general: false })
    expect(r.success).toBe(false)
    const fields = Object.fromEntries(r.error!.issues.map(i => [i.path.join('.'), i.message]))
    expect(fields).toEqual({
      version: '协议版本不正确，请刷新页面后重试',
      general: '请阅读并同意用户协议和隐私政策',
      sensitive: '请单独勾选同意处理敏感个人信息',
    })
  })
})
