import { z } from 'zod'

// In a browser zod must not probe for `new Function` (its JIT for object schemas): under our CSP (script-src
// 'self') the caught probe is still reported as a violation, which Lighthouse counts against best practices.
// Every schema imports this module, so this runs before anything parses. The server keeps the JIT.
if ('document' in globalThis) z.config({ jitless: true })

/**
 * What a request field says when it holds characters nobody types: NUL and the other control
 * characters, or broken UTF-16 (a lone surrogate). PostgreSQL refuses NUL in text and jsonb, and a
 * lone surrogate cannot be encoded as UTF-8, so such text is refused where it enters, with this message.
 */
export const UNRECOGNISED_TEXT = '含有无法识别的字符，请检查后重新输入'

export interface CleanTextOptions {
  /** A multi-line field (a textarea) also takes line breaks and tabs. */
  multiline?: boolean
}

// Cc is C0 (U+0000–U+001F), DEL and C1 (U+0080–U+009F). In a `u` regex a surrogate pair is one code
// point, so Cs matches only a surrogate without its other half.
const CONTROL = /\p{Cc}/u
const CONTROL_BUT_LINE_BREAKS = /[^\P{Cc}\t\n\r]/u
const LONE_SURROGATE = /\p{Cs}/u

/** Well-formed UTF-16: no surrogate without its other half (`String.prototype.isWellFormed` where there is one). */
export function isWellFormedText(value: string): boolean {
  const native = (value as { isWellFormed?: () => boolean }).isWellFormed
  return native ? native.call(value) : !LONE_SURROGATE.test(value)
}

/** Text that every store and upstream can hold: well-formed and free of NUL (what no field may ever take). */
export function isStorableText(value: string): boolean {
  return !value.includes('\0') && isWellFormedText(value)
}

/** Well-formed text without control characters (a multi-line field may hold tabs and line breaks). */
export function isCleanText(value: string, options: CleanTextOptions = {}): boolean {
  return isWellFormedText(value) && !(options.multiline ? CONTROL_BUT_LINE_BREAKS : CONTROL).test(value)
}

/**
 * The start of every text field of a request: a string (else `error`) whose characters can all be
 * typed, else {@link UNRECOGNISED_TEXT} and no further checks. Chain the field's own rules after it:
 * `CleanTextSchema('请填写原因', { multiline: true }).trim().min(2, '原因至少2个字')`.
 */
export function CleanTextSchema(error: string, options: CleanTextOptions = {}) {
  return z.string({ error }).refine(v => isCleanText(v, options), { error: UNRECOGNISED_TEXT, abort: true })
}
