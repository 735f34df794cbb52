import type { PersonProfile } from '@yibao/shared'
import type { Component } from 'vue'
import type { DeskTarget } from '../desk-target'

/** What every pane of the desk console gets: who is being served, and their masked profile. */
export interface DeskPaneProps {
  target: DeskTarget
  profile: PersonProfile
}

/**
 * One tab of the desk console beside the card of the resident being served. `titleKey` is a key of
 * zh-CN.desk.json; the component is loaded when the tab is first opened.
 */
export interface DeskPane {
  key: string
  titleKey: string
  load: () => Promise<{ default: Component }>
}

/** The tabs, in the order a clerk meets them. Each pane adds its own line here. */
export const deskPanes: DeskPane[] = [
  { key: 'payment', titleKey: 'desk.panes.payment', load: () => import('./PaymentPane.vue') },
  { key: 'codepay', titleKey: 'desk.codepay.tab', load: () => import('./DeskCodePayPane.vue') },
  { key: 'identity', titleKey: 'desk.panes.identity', load: () => import('./IdentityPane.vue') },
  { key: 'coverage', titleKey: 'desk.panes.coverage', load: () => import('./DeskCoveragePane.vue') },
  { key: 'slips', titleKey: 'desk.panes.slips', load: () => import('./DeskSlipsPane.vue') },
  { key: 'receipts', titleKey: 'desk.panes.receipts', load: () => import('./DeskReceiptsPane.vue') },
  { key: 'certificate', titleKey: 'desk.panes.certificate', load: () => import('./DeskCertificatePane.vue') },
  { key: 'refund', titleKey: 'desk.refund.tab', load: () => import('./DeskRefundPane.vue') },
  { key: 'cross-region', titleKey: 'desk.crossRegion.tab', load: () => import('./DeskCrossRegionPane.vue') },
]
