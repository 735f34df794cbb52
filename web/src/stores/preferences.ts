import { defineStore } from 'pinia'
import { ref, watchEffect } from 'vue'

const KEY = 'yibao.preferences'

/** Display preferences kept on the device: 长辈版 (elder mode) and language. */
export const usePreferencesStore = defineStore('preferences', () => {
  let saved: { elder?: boolean } = {}
  try {
    saved = JSON.parse(localStorage.getItem(KEY) ?? '{}') as { elder?: boolean }
  }
  catch {}
  /** 长辈版: larger text and targets (MIIT 适老化). */
  const elder = ref(saved.elder === true)

  watchEffect(() => {
    document.documentElement.classList.toggle('elder', elder.value)
    try {
      localStorage.setItem(KEY, JSON.stringify({ elder: elder.value }))
    }
    catch {}
  })

  return { elder }
})
