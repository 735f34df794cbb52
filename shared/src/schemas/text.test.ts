import type { z } from 'zod'
import type { TextLeaf } from '../testing/schema-tree'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import * as shared from '../index'
import { schemaTree, textLeaves } from '../testing/schema-tree'
import { PROPERTY_SEED } from '../testing/seed'
import { CleanTextSchema, isCleanText, isStorableText, isWellFormedText, UNRECOGNISED_TEXT } from './text'

/** A fixed seed in CI, a random one locally (fast-check prints it with any failure). */
const FC = { seed: PROPERTY_SEED, numRuns: 200 }

const loneSurrogate = fc.integer({ min: 0xD800, max: 0xDFFF }).map(n => String.fromCharCode(n))
/** Control characters no field takes, multi-line or not: C0 but tab and line breaks, DEL, C1. */
const control = fc.oneof(
  fc.constantFrom(0, 1, 7, 8, 0x0B, 0x0C, 0x1B, 0x1F, 0x7F, 0x85, 0x9F),
  fc.integer({ min: 0, max: 0x9F }).filter(n => (n < 0x20 || n >= 0x7F) && n !== 9 && n !== 10 && n !== 13),
).map(n => String.fromCharCode(n))
/** Printable text (graphemes: CJK, emoji, RTL and combining marks included), never a control or a broken pair. */
const printable = fc.string({ unit: 'grapheme', maxLength: 30 })
/** Printable text with one character no field takes somewhere in it. */
const unclean = fc.tuple(printable, fc.oneof(loneSurrogate, control, fc.constant('\0')), printable)
  .map(([a, bad, b]) => a + bad + b)
/** Any UTF-16 code units at all: lone surrogates, NUL, controls, pairs. */
const codeUnit = fc.integer({ min: 0, max: 0xFFFF }).map(n => String.fromCharCode(n))
const anyUnits = fc.string({ unit: codeUnit, maxLength: 40 })

describe('isCleanText', () => {
  it('takes any printable text: Chinese, minority names with ·, emoji, RTL marks', () => {
    fc.assert(fc.property(printable, s => isCleanText(s) && isCleanText(s, { multiline: true })), FC)
    for (const s of ['张秀英', '阿依古丽·买买提', '👨‍👩‍👧 家庭', 'עברית\u200F', '\u202Eabc', 'a\u0301'])
      expect(isCleanText(s)).toBe(true)
  })

  it('refuses a lone surrogate, NUL or another control character anywhere', () => {
    fc.assert(fc.property(unclean, s => !isCleanText(s) && !isCleanText(s, { multiline: true })), FC)
  })

  it('takes tabs and line breaks only in a multi-line field', () => {
    fc.assert(fc.property(printable, fc.constantFrom('\n', '\r\n', '\t'), printable, (a, brk, b) =>
      isCleanText(a + brk + b, { multiline: true }) && !isCleanText(a + brk + b)), FC)
  })

  it('knows a surrogate pair from two lone halves', () => {
    expect(isWellFormedText('😀')).toBe(true)
    expect(isWellFormedText('\uD83D')).toBe(false)
    expect(isWellFormedText('\uDE00\uD83D')).toBe(false)
    expect(isStorableText('😀\n')).toBe(true)
    expect(isStorableText('a\0')).toBe(false)
    expect(isStorableText('\uDFFF')).toBe(false)
  })

  it('answers the same without String.prototype.isWellFormed (older WebViews) as with it', () => {
    const proto = String.prototype as { isWellFormed?: () => boolean }
    const native = proto.isWellFormed
    expect(native).toBeTypeOf('function')
    const expected = new Map<string, boolean>()
    fc.assert(fc.property(anyUnits, (s) => {
      expected.set(s, native!.call(s))
      return true
    }), FC)
    delete proto.isWellFormed
    try {
      for (const [s, wellFormed] of expected) expect(isWellFormedText(s)).toBe(wellFormed)
    }
    finally {
      proto.isWellFormed = native
    }
  })
})

describe('CleanTextSchema', () => {
  it('says the Chinese message, and only it, before the field\'s own checks', () => {
    const schema = CleanTextSchema('请填写原因').trim().min(4, '原因至少4个字')
    const result = schema.safeParse('a\0')
    expect(result.error?.issues.map(i => i.message)).toEqual([UNRECOGNISED_TEXT])
    expect(schema.safeParse(' 四个汉字 ').data).toBe('四个汉字')
    expect(schema.safeParse(12).error?.issues.map(i => i.message)).toEqual(['请填写原因'])
  })
})

/**
 * Every request schema shared exports (`…InputSchema`, `…QuerySchema`, `…RequestSchema`) and every text
 * field schema, with a text field (those of numbers and choices only have nothing to sweep).
 */
function requestSchemas(): [string, z.ZodType][] {
  return Object.entries(shared as Record<string, unknown>)
    .filter((e): e is [string, z.ZodType] => typeof e[1] === 'object' && e[1] !== null && '_zod' in e[1])
    .filter(([name, schema]) => /(?:Input|Query|Request)Schema$/.test(name) || schemaTree(schema).kind === 'string')
    .filter(([, schema]) => textLeaves(schemaTree(schema)).length > 0)
}

/** An input holding `value` at the leaf's path (and the discriminators that lead there). */
function inputWith(leaf: TextLeaf, value: string): unknown {
  const root: { v?: unknown } = {}
  const set = (path: (string | number)[], v: unknown) => {
    let at: Record<string | number, unknown> = root
    const keys: (string | number)[] = ['v', ...path]
    keys.forEach((key, i) => {
      if (i === keys.length - 1) at[key] = v
      else at = (at[key] ??= typeof keys[i + 1] === 'number' ? [] : {}) as Record<string | number, unknown>
    })
  }
  for (const r of leaf.requires) set(r.path, r.value)
  set(leaf.path, value)
  return root.v
}

describe('every request schema of shared/', () => {
  const schemas = requestSchemas()

  it('is found from the exports (the sweep below is not empty)', () => {
    const names = schemas.map(([n]) => n)
    const known = [
      'UnmaskInputSchema',
      'StaffPasswordInputSchema',
      'AnomalyResolveInputSchema',
      'CrossRegionCancelInputSchema',
      'PaymentOrderInputSchema',
      'SlipVerifyQuerySchema',
      'IdCardNoSchema',
    ]
    expect(names).toEqual(expect.arrayContaining(known))
  })

  it.each(schemas)('%s refuses a lone surrogate, NUL or a control character in any text field', (_, schema) => {
    for (const leaf of textLeaves(schemaTree(schema))) {
      fc.assert(fc.property(unclean, (s) => {
        const issues = schema.safeParse(inputWith(leaf, s)).error?.issues ?? []
        const here = issues.filter(i => i.path.join('.') === leaf.path.join('.'))
        const where = `${leaf.path.join('.') || '(value)'} = ${JSON.stringify(s)}`
        expect(here.map(i => i.message), where).toEqual([UNRECOGNISED_TEXT])
      }), { ...FC, numRuns: 25 })
    }
  })
})
