import { describe, expect, it } from 'vitest'
import { loadCjkFont, startPdf } from './pdf'
import { gridWidths } from './slip-pdf'

describe('slip PDF grid', () => {
  it('fits the longest label (基本医保统筹基金支付) in the label column at the cell size, with the CJK font', async () => {
    const font = await loadCjkFont()
    expect(font, 'a CJK font (fonts-wqy-microhei) is installed').not.toBeNull()
    const { doc } = startPdf(font!, { Title: '测试' })
    doc.fontSize(9.5)
    const labels = ['医保结算号', '基本医保统筹基金支付', '大病保险']
    const [label, value, label2, value2] = gridWidths(labels, text => doc.widthOfString(text))
    for (const text of labels) expect(doc.widthOfString(text)).toBeLessThanOrEqual(label - 8)
    // The old fixed 100 pt column cut it to 基本医保统筹基金…
    expect(doc.widthOfString('基本医保统筹基金支付')).toBeGreaterThan(100 - 8)
    expect(label2).toBe(label)
    expect(value).toBe(value2)
    expect(label + value).toBeCloseTo((595.28 - 80) / 2, 5)
  })

  it('keeps at least 80 pt for the values, whatever a label measures', () => {
    const [label, value] = gridWidths(['x'], () => 10_000)
    expect(value).toBeGreaterThanOrEqual(80)
    expect(label + value).toBeCloseTo((595.28 - 80) / 2, 5)
  })
})
