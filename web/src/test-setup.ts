import { loadPageMessages } from './i18n'

// Components are mounted without the router that brings their texts: every page's zh-CN texts are there up front.
await loadPageMessages()
