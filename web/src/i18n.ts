import { createI18n } from 'vue-i18n'
import zhCN from './locales/zh-CN.json'

export type MessageSchema = typeof zhCN
export const LOCALES = ['zh-CN', 'en'] as const
export type Locale = typeof LOCALES[number]

/** zh-CN is bundled; English is loaded on demand. */
export const i18n = createI18n<[MessageSchema], Locale, false>({
  legacy: false,
  locale: 'zh-CN',
  fallbackLocale: 'zh-CN',
  messages: { 'zh-CN': zhCN } as Record<Locale, MessageSchema>,
})

export async function setLocale(locale: Locale) {
  if (locale === 'en' && !i18n.global.availableLocales.includes('en')) {
    const en = await import('./locales/en.json')
    i18n.global.setLocaleMessage('en', en.default)
  }
  i18n.global.locale.value = locale
  document.documentElement.lang = locale
}
