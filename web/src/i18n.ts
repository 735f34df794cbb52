import type zhCNDesk from './locales/zh-CN.desk.json'
import { createI18n } from 'vue-i18n'
import zhCN from './locales/zh-CN.json'

/** Every message; the help desk's (staff only) are loaded with its pages, outside the residents' entry bundle. */
export type MessageSchema = typeof zhCN & typeof zhCNDesk
export const LOCALES = ['zh-CN', 'en'] as const
export type Locale = typeof LOCALES[number]

/** zh-CN is bundled (but for the desk's texts, see `loadDeskMessages`); English is loaded on demand. */
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

let deskMessages: Promise<void> | undefined
/** The help desk's zh-CN texts (English carries them already): awaited by the desk routes before they render. */
export function loadDeskMessages(): Promise<void> {
  deskMessages ??= import('./locales/zh-CN.desk.json').then((m) => {
    i18n.global.mergeLocaleMessage('zh-CN', m.default as unknown as MessageSchema)
  })
  return deskMessages
}
