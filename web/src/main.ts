import { createPinia } from 'pinia'
import { createApp } from 'vue'
import App from './App.vue'
import { i18n } from './i18n'
import { createAppRouter } from './router'
import { installAccessibleToasts } from './toast'
import './styles/theme.css'

installAccessibleToasts()
createApp(App).use(createPinia()).use(createAppRouter()).use(i18n).mount('#app')
