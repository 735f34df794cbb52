import type { ReceiptCheck } from '@yibao/shared'
import { describe, expect, it } from 'vitest'
import { pdfText } from '../testing/pdf'
import { loadCjkFont } from './pdf'
import { renderReceiptPdf } from './receipt-pdf'

const receipt: ReceiptCheck = {
  code: 'ABCD-EFGH-JKLM-NPQR',
  valid: true,
  duplicate: false,
  name: '王**',
  certNo: '610322********0281',
  year: 2027,
  regionCode: '610322',
  amountFen: 38_000,
  paidAt: '2026-11-20T10:15:42.000+08:00',
  reported: false,
  refunded: false,
  refundedAt: null,
}

async function render(r: ReceiptCheck): Promise<string[]> {
  const font = await loadCjkFont()
  expect(font, 'a CJK font (fonts-wqy-microhei) is installed').not.toBeNull()
  const at = { printedAt: new Date('2026-12-01T02:00:00Z'), origin: 'https://yibao.example.gov.cn/' }
  return pdfText(await renderReceiptPdf(r, font!, at)).split('\n')
}

describe('电子缴费凭证 PDF', () => {
  it('says a valid receipt is 有效, with the tax bureau\'s state and the check\'s address', async () => {
    const lines = await render(receipt)
    expect(lines[lines.indexOf('凭证状态') + 1]).toBe('有效')
    expect(lines[lines.indexOf('税务部门') + 1]).toBe('正在报送')
    expect(lines[lines.indexOf('缴费时间') + 1]).toBe('2026-11-20 10:15')
    expect(lines[lines.indexOf('缴费金额') + 1]).toBe('¥380.00')
    expect(lines).toContain('打印时间：2026-12-01 10:00')
    expect(lines).toContain('https://yibao.example.gov.cn/receipts/verify?code=ABCD-EFGH-JKLM-NPQR')
  })

  it('says a duplicate payment\'s receipt is void, first and in the status, and drops the tax bureau row', async () => {
    const lines = await render({ ...receipt, valid: false, duplicate: true })
    const verdict = '重复缴费，正在原路退回，本凭证作废'
    // The banner comes before every fact.
    expect(lines.indexOf(verdict)).toBeGreaterThan(-1)
    expect(lines.indexOf(verdict)).toBeLessThan(lines.indexOf('凭证状态'))
    expect(lines[lines.indexOf('凭证状态') + 1]).toBe(verdict)
    expect(lines.some(l => l.includes('本凭证不能作为缴费证明'))).toBe(true)
    expect(lines).not.toContain('有效')
    expect(lines).not.toContain('税务部门')
    expect(lines.some(l => l.startsWith('退费时间'))).toBe(false)
  })
})
