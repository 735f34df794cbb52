/** The service grid: one entry per business; `route` is where it lives once built. */
export const SERVICES = [
  { key: 'pay', icon: 'balance-pay', audience: 'resident' },
  { key: 'refund', icon: 'refund-o', audience: 'resident' },
  { key: 'crossRegion', icon: 'location-o', audience: 'resident' },
  { key: 'coverage', icon: 'shield-o', audience: 'resident' },
  { key: 'slips', icon: 'notes-o', audience: 'resident' },
  { key: 'estimate', icon: 'balance-list-o', audience: 'resident' },
  { key: 'family', icon: 'friends-o', audience: 'resident' },
  { key: 'helpDesk', icon: 'service-o', audience: 'desk' },
] as const

export type ServiceKey = typeof SERVICES[number]['key']

/** Services that are built, with their route (one line per service as they are added). */
const BUILT_ROUTES: Partial<Record<ServiceKey, string>> = {
  coverage: '/coverage',
  crossRegion: '/cross-region',
  estimate: '/estimate',
  family: '/family',
  helpDesk: '/desk',
  pay: '/pay',
  refund: '/refunds',
  slips: '/slips',
}

/** Route of a service: built services have their own page; the rest show an honest 即将上线. */
export function serviceRoute(key: ServiceKey): string {
  return BUILT_ROUTES[key] ?? `/services/${key}`
}
