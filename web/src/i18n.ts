import type zhCNDesk from './locales/zh-CN.desk.json'
import type zhCNPages from './locales/zh-CN.pages.json'
import { createI18n } from 'vue-i18n'
import zhCN from './locales/zh-CN.json'

/**
 * Every message. The entry bundle carries only the shell's and the home page's zh-CN texts (`zh-CN.json`); the
 * other pages' come with the first page that needs them (`loadPageMessages`), the help desk's with its pages.
 */
export type MessageSchema = typeof zhCN & typeof zhCNPages & typeof zhCNDesk
export const LOCALES = ['zh-CN', 'en'] as const
export type Locale = typeof LOCALES[number]

/** zh-CN's home texts are bundled (the rest: `loadPageMessages`, `loadDeskMessages`); English is loaded on demand. */
export const i18n = createI18n<[MessageSchema], Locale, false>({
  legacy: false,
  locale: 'zh-CN',
  fallbackLocale: 'zh-CN',
  messages: { 'zh-CN': zhCN } as unknown as Record<Locale, MessageSchema>,
})

export async function setLocale(locale: Locale) {
  if (locale === 'en' && !i18n.global.availableLocales.includes('en')) {
    const en = await import('./locales/en.json')
    i18n.global.setLocaleMessage('en', en.default)
  }
  i18n.global.locale.value = locale
  document.documentElement.lang = locale
}

/** Merges a lazily loaded part of zh-CN once; every caller shares the one request. */
function lazyMessages(load: () => Promise<{ default: unknown }>): () => Promise<void> {
  let loaded: Promise<void> | undefined
  return () => {
    loaded ??= load().then((m) => {
      i18n.global.mergeLocaleMessage('zh-CN', m.default as MessageSchema)
    })
    return loaded
  }
}

/** The zh-CN texts of every resident page but home: awaited by the router before such a page renders. */
export const loadPageMessages = lazyMessages(() => import('./locales/zh-CN.pages.json'))

/** The help desk's zh-CN texts (English carries them already): awaited by the desk routes before they render. */
export const loadDeskMessages = lazyMessages(() => import('./locales/zh-CN.desk.json'))
