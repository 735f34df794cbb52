import { createPinia } from 'pinia'
import { createApp } from 'vue'
import App from './App.vue'
import { i18n, loadPageMessages } from './i18n'
import { whenIdle } from './idle'
import { createAppRouter } from './router'
import { installAccessibleToasts } from './toast'
import './styles/theme.css'

installAccessibleToasts()
createApp(App).use(createPinia()).use(createAppRouter()).use(i18n).mount('#app')
// The other pages' texts once the first screen is up, so the first tap does not wait for them.
whenIdle(() => void loadPageMessages().catch(() => undefined))
