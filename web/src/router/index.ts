import type { RouteLocationNormalized, RouteRecordRaw } from 'vue-router'
import { createRouter, createWebHistory } from 'vue-router'
import HomePage from '../pages/home/HomePage.vue'
import { loadDeskMessages } from '../i18n'
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
  { path: '/me', name: 'me', component: () => import('../pages/me/MePage.vue'), meta: { tab: 'me', titleKey: 'me.title' } },
  { path: '/estimate', name: 'estimate', component: () => import('../pages/estimate/EstimatePage.vue'), meta: { titleKey: 'estimate.title', back: true } },
  { path: '/family', name: 'family', component: () => import('../pages/family/FamilyPage.vue'), meta: { titleKey: 'family.title', back: true, requiresAuth: true } },
  { path: '/family/:id', name: 'family-member', component: () => import('../pages/family/FamilyMemberPage.vue'), props: true, meta: { titleKey: 'family.memberTitle', back: true, requiresAuth: true } },
  { path: '/coverage', name: 'coverage', component: () => import('../pages/coverage/CoveragePage.vue'), meta: { titleKey: 'coverage.title', back: true, requiresAuth: true } },
  { path: '/slips', name: 'slips', component: () => import('../pages/slips/SlipsPage.vue'), meta: { titleKey: 'slips.title', back: true, requiresAuth: true } },
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
  { path: '/me/access-log', name: 'access-log', component: () => import('../pages/access-log/AccessLogPage.vue'), meta: { titleKey: 'accessLog.title', back: true, requiresAuth: true } },
  { path: '/login', name: 'login', component: () => import('../pages/login/LoginPage.vue'), meta: { titleKey: 'login.title', back: true } },
  { path: '/desk', name: 'desk', component: () => desk(import('../pages/desk/DeskPage.vue')), meta: { titleKey: 'desk.title', back: true } },
  { path: '/desk/login', name: 'desk-login', component: () => desk(import('../pages/desk/DeskLoginPage.vue')), meta: { titleKey: 'desk.login.title', back: true } },
  { path: '/desk/audit', name: 'desk-audit', component: () => desk(import('../pages/desk/DeskAuditPage.vue')), meta: { titleKey: 'desk.audit.title', back: true } },
  { path: '/desk/anomalies', name: 'desk-anomalies', component: () => desk(import('../pages/desk/AnomaliesPage.vue')), meta: { titleKey: 'desk.anomalies.title', back: true } },
  { path: '/:pathMatch(.*)*', name: 'not-found', component: () => import('../pages/not-found/NotFoundPage.vue'), meta: { titleKey: 'notFound.title', back: true } },
]

export function createAppRouter() {
  const router = createRouter({
    history: createWebHistory(),
    routes,
    scrollBehavior: () => ({ top: 0 }),
  })
  // Pages with personal data need a signed-in resident; send others to sign in and come back.
  router.beforeEach(async (to) => {
    if (!to.meta.requiresAuth) return true
    const session = useSessionStore()
    const view = await session.load().catch(() => null)
    return view?.kind === 'resident' ? true : { path: '/login', query: { redirect: to.fullPath } }
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
