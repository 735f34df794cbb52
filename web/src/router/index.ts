import type { RouteLocationNormalized, RouteRecordRaw } from 'vue-router'
import { shallowRef, watch } from 'vue'
import { createRouter, createWebHistory } from 'vue-router'
import HomePage from '../pages/home/HomePage.vue'
import { onConsentRequired, onSessionExpired } from '../api/errors'
import { saveDrafts } from '../composables/use-draft'
import { loadDeskMessages, loadPageMessages } from '../i18n'
import { useSessionStore } from '../stores/session'

/** A desk page, rendered once the desk's texts are there (they are not in the residents' entry bundle). */
function desk<T>(page: Promise<T>): Promise<T> {
  return Promise.all([page, loadDeskMessages()]).then(([m]) => m)
}

/** `/cross-region/new?change=<id>` is 变更异地就医备案 in the nav bar too (`to.meta` is this navigation's own copy). */
function changeTitle(to: RouteLocationNormalized) {
  if (typeof to.query.change === 'string' && to.query.change) to.meta.titleKey = 'crossRegion.changeTitle'
}

export const routes: RouteRecordRaw[] = [
  { path: '/', name: 'home', component: HomePage, meta: { tab: 'home', titleKey: 'app.title' } },
  { path: '/services', name: 'services', component: () => import('../pages/services/ServicesPage.vue'), meta: { tab: 'services', titleKey: 'servicesPage.title' } },
  { path: '/e-voucher', name: 'e-voucher', component: () => import('../pages/home/EVoucherPage.vue'), meta: { titleKey: 'evoucherPage.title', back: true, requiresAuth: true } },
  { path: '/me', name: 'me', component: () => import('../pages/me/MePage.vue'), meta: { tab: 'me', titleKey: 'me.title' } },
  { path: '/estimate', name: 'estimate', component: () => import('../pages/estimate/EstimatePage.vue'), meta: { titleKey: 'estimate.title', back: true } },
  { path: '/family', name: 'family', component: () => import('../pages/family/FamilyPage.vue'), meta: { titleKey: 'family.title', back: true, requiresAuth: true } },
  { path: '/family/:id', name: 'family-member', component: () => import('../pages/family/FamilyMemberPage.vue'), props: true, meta: { titleKey: 'family.memberTitle', back: true, requiresAuth: true } },
  { path: '/coverage', name: 'coverage', component: () => import('../pages/coverage/CoveragePage.vue'), meta: { titleKey: 'coverage.title', back: true, requiresAuth: true } },
  { path: '/slips', name: 'slips', component: () => import('../pages/slips/SlipsPage.vue'), meta: { titleKey: 'slips.title', back: true, requiresAuth: true } },
  {
    path: '/slips/verify',
    name: 'slip-verify',
    component: () => import('../pages/slips/SlipVerifyPage.vue'),
    meta: { titleKey: 'slipVerify.title', back: true },
  },
  { path: '/slips/:id', name: 'slip', component: () => import('../pages/slips/SlipDetailPage.vue'), props: route => ({ id: String(route.params.id), member: typeof route.query.member === 'string' ? route.query.member : undefined }), meta: { titleKey: 'slips.detailTitle', back: true, requiresAuth: true } },
  { path: '/pay', name: 'pay', component: () => import('../pages/pay/PayPage.vue'), meta: { titleKey: 'pay.title', back: true, requiresAuth: true } },
  { path: '/pay/orders', name: 'pay-orders', component: () => import('../pages/pay/PayOrdersPage.vue'), meta: { titleKey: 'pay.orders.title', back: true, requiresAuth: true } },
  { path: '/pay/orders/:id', name: 'pay-order', component: () => import('../pages/pay/PayOrderPage.vue'), props: route => ({ id: String(route.params.id) }), meta: { titleKey: 'pay.order.title', back: true, requiresAuth: true } },
  { path: '/refunds', name: 'refunds', component: () => import('../pages/refunds/RefundsPage.vue'), meta: { titleKey: 'refunds.title', back: true, requiresAuth: true } },
  { path: '/refunds/new', name: 'refund-apply', component: () => import('../pages/refunds/RefundApplyPage.vue'), meta: { titleKey: 'refunds.applyTitle', back: true, requiresAuth: true } },
  { path: '/cross-region', name: 'cross-region', component: () => import('../pages/cross-region/CrossRegionPage.vue'), meta: { titleKey: 'crossRegion.title', back: true, requiresAuth: true } },
  { path: '/cross-region/new', name: 'cross-region-form', component: () => import('../pages/cross-region/CrossRegionFormPage.vue'), beforeEnter: changeTitle, meta: { titleKey: 'crossRegion.formTitle', back: true, requiresAuth: true } },
  { path: '/services/pay', redirect: '/pay' },
  { path: '/services/refund', redirect: '/refunds' },
  { path: '/services/crossRegion', redirect: '/cross-region' },
  { path: '/receipts/verify', name: 'receipt-verify', component: () => import('../pages/receipts/ReceiptVerifyPage.vue'), meta: { titleKey: 'receipts.title', back: true } },
  { path: '/me/certificate', name: 'certificate', component: () => import('../pages/certificates/CertificatePage.vue'), meta: { titleKey: 'certificate.title', back: true, requiresAuth: true } },
  { path: '/certificates/verify', name: 'certificate-verify', component: () => import('../pages/certificates/CertificateVerifyPage.vue'), meta: { titleKey: 'certificateVerify.title', back: true } },
  { path: '/me/access-log', name: 'access-log', component: () => import('../pages/access-log/AccessLogPage.vue'), meta: { titleKey: 'accessLog.title', back: true, requiresAuth: true } },
  { path: '/login', name: 'login', component: () => import('../pages/login/LoginPage.vue'), meta: { titleKey: 'login.title', back: true } },
  { path: '/consent', name: 'consent', component: () => import('../pages/consent/ConsentPage.vue'), meta: { titleKey: 'consent.title', back: true } },
  { path: '/desk', name: 'desk', component: () => desk(import('../pages/desk/DeskPage.vue')), meta: { titleKey: 'desk.title', back: true } },
  { path: '/desk/login', name: 'desk-login', component: () => desk(import('../pages/desk/DeskLoginPage.vue')), meta: { titleKey: 'desk.login.title', back: true } },
  { path: '/desk/audit', name: 'desk-audit', component: () => desk(import('../pages/desk/DeskAuditPage.vue')), meta: { titleKey: 'desk.audit.title', back: true } },
  { path: '/desk/anomalies', name: 'desk-anomalies', component: () => desk(import('../pages/desk/AnomaliesPage.vue')), meta: { titleKey: 'desk.anomalies.title', back: true } },
  { path: '/desk/staff', name: 'desk-staff', component: () => desk(import('../pages/desk/StaffAdminPage.vue')), meta: { titleKey: 'desk.staffAdmin.title', back: true } },
  { path: '/desk/day-close', name: 'desk-day-close', component: () => desk(import('../pages/desk/DayClosePage.vue')), meta: { titleKey: 'desk.dayClose.title', back: true } },
  { path: '/:pathMatch(.*)*', name: 'not-found', component: () => import('../pages/not-found/NotFoundPage.vue'), meta: { titleKey: 'notFound.title', back: true } },
]

/**
 * The route a navigation is on its way to, `null` when none is under way. A deep link (/coverage) waits for
 * the session call and the page's code before anything renders: the shell shows a skeleton instead of a blank page.
 */
export const pendingRoute = shallowRef<RouteLocationNormalized | null>(null)

/** Pages a resident may open before agreeing to the 用户协议 and 隐私政策: they process none of their data. */
const CONSENT_FREE = new Set(['consent', 'login', 'slip-verify', 'receipt-verify', 'not-found'])

export function createAppRouter() {
  const router = createRouter({
    history: createWebHistory(),
    routes,
    scrollBehavior: () => ({ top: 0 }),
  })
  // The page being opened, until it is there (sign-in check, its code): the shell shows a skeleton meanwhile.
  router.beforeEach(async (to) => {
    pendingRoute.value = to
    // Every page but home brings its texts with it (they are not in the entry bundle).
    if (to.name !== 'home') await loadPageMessages()
  })
  // A navigation overtaken by a newer one ends too (with a failure): only the one still awaited clears it.
  router.afterEach((to) => {
    if (pendingRoute.value === to) pendingRoute.value = null
  })
  router.onError(() => {
    pendingRoute.value = null
  })
  // The session ended under a page (登录已过期): to sign-in at once, its forms kept, then back to the same page.
  onSessionExpired(() => {
    const current = router.currentRoute.value
    if (!current.meta.requiresAuth) return
    const session = useSessionStore()
    const owner = session.view?.resident?.certNo
    if (owner) saveDrafts(owner)
    session.forget()
    void router.push({ path: '/login', query: { redirect: current.fullPath, expired: '1' } })
  })
  // Pages with personal data need a signed-in resident; send others to sign in and come back.
  router.beforeEach(async (to) => {
    if (!to.meta.requiresAuth) return true
    const session = useSessionStore()
    const view = await session.load().catch(() => null)
    return view?.kind === 'resident' ? true : { path: '/login', query: { redirect: to.fullPath } }
  })
  // A signed-in resident who has not agreed to the current 用户协议 and 隐私政策 (first sign-in, a new version)
  // reads and agrees first, then goes on; signing in, the consent itself and the public checks stay open.
  const toConsent = () => {
    const current = router.currentRoute.value
    // A navigation under way is decided by the guard below; a page that needs no consent stays.
    if (pendingRoute.value || CONSENT_FREE.has(String(current.name))) return
    void router.push({ name: 'consent', query: { redirect: current.fullPath } })
  }
  let watching = false
  router.beforeEach((to) => {
    const session = useSessionStore()
    if (!watching) {
      watching = true
      // Pages open to anyone (home, 我的) load the session themselves: it may say so only after they opened.
      watch(() => session.consentRequired, required => required && toConsent())
    }
    if (!session.consentRequired || CONSENT_FREE.has(String(to.name))) return true
    return { name: 'consent', query: { redirect: to.fullPath } }
  })
  // …and so may a session that arrived while the page was being opened.
  router.afterEach(() => {
    if (useSessionStore().consentRequired) toConsent()
  })
  // A page's call found the consent missing (withdrawn elsewhere, a new version): to the consent page, then back.
  onConsentRequired(() => {
    void useSessionStore().load(true).catch(() => null).then(toConsent)
  })
  return router
}

declare module 'vue-router' {
  interface RouteMeta {
    tab?: 'home' | 'services' | 'me'
    titleKey?: string
    back?: boolean
    requiresAuth?: boolean
  }
}
