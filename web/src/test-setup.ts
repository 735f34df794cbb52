import { afterAll } from 'vitest'
import { loadPageMessages } from './i18n'

// Components are mounted without the router that brings their texts: every page's zh-CN texts are there up front.
await loadPageMessages()

// Vant's fixed bars (tabbar, nav bar) measure themselves on timers up to 300 ms after mounting (use-height.mjs);
// a file that ends sooner tears happy-dom down under them ("window is not defined", an unhandled error).
afterAll(() => new Promise<void>(resolve => setTimeout(resolve, 350)))
