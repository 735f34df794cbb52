import type { z as Z } from 'zod'
import { z } from 'zod'

/** Type names zod's zh-CN locale leaves in English, in the words a person reads. */
const TYPE_WORDS: Record<string, string> = {
  string: '文本',
  boolean: '是或否',
  object: '对象',
  int: '整数',
  bigint: '整数',
  date: '日期',
  undefined: '空',
  symbol: '符号',
  function: '函数',
  file: '文件',
  set: '集合',
  map: '映射',
  array: '列表',
  number: '数字',
  nan: '非数字',
}
const TYPE_WORD = new RegExp(`\\b(${Object.keys(TYPE_WORDS).join('|')})\\b`, 'g')

/**
 * zod's own zh-CN messages (`z.locales.zhCN`), with the type names it leaves in English put in Chinese and a
 * pattern never shown (a person cannot read a regular expression): no message of a schema without its own
 * Chinese wording is ever English.
 */
export function chineseZodError(issue: Parameters<Z.core.$ZodErrorMap>[0]): string | undefined {
  if (issue.code === 'invalid_format' && issue.format === 'regex') return '格式不正确'
  const zh = zhCN(issue)
  const text = typeof zh === 'string' ? zh : zh?.message
  // 键(key), 值(value), 空值(null): the English in brackets is for programmers.
  return text?.replace(/\((?:key|value|null)\)/g, '').replace(TYPE_WORD, word => TYPE_WORDS[word]!)
}
const zhCN = z.locales.zhCN().localeError

/** Makes {@link chineseZodError} zod's global error map (the server at start-up, the browser's forms). */
export function useChineseZodErrors(): void {
  z.config({ localeError: chineseZodError })
}
