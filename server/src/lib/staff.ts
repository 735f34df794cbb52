import type { Context, MiddlewareHandler } from 'hono'
import type { AuditEvent } from '../storage/audit'
import type { StaffAccount, StaffRole } from '../storage/staff'
import type { AppEnv } from './types'
import { anyRegionCovers } from '../domain/region'
import { findStaffBy } from '../storage/staff'
import { AppError } from './errors'
import { markRoute } from './openapi'

/** Context of desk routes: `staffGuard` puts the signed-in staff account in `c.get('staff')`. */
export interface DeskEnv {
  Variables: AppEnv['Variables'] & { staff: StaffAccount }
}

/**
 * The signed-in staff account (password and TOTP both done), or: 401 `UNAUTHENTICATED` without a
 * session, 401 `MFA_REQUIRED` half-way through sign-in, 403 `FORBIDDEN` for a resident's session or a
 * role not in `roles`. The account is read on every call, so a role change or 停用 applies at once.
 */
export async function requireStaff(context: Context<AppEnv> | Context<DeskEnv>, roles?: readonly StaffRole[]): Promise<StaffAccount> {
  // DeskEnv only adds a variable; `get` on the union type is not callable.
  const c = context as Context<AppEnv>
  const s = c.get('session')
  if (!s) throw new AppError('UNAUTHENTICATED', 401)
  if (s.kind === 'pending' && s.data.stage === 'mfa') throw new AppError('MFA_REQUIRED', 401)
  if (s.kind === 'resident') throw new AppError('FORBIDDEN', 403)
  if (s.kind !== 'staff' || !s.accountId) throw new AppError('UNAUTHENTICATED', 401)
  const staff = await findStaffBy(c.get('deps').storage.db, 'id', s.accountId)
  // A disabled (停用) account's sessions were ended; a copy cached on another instance is refused here.
  if (!staff || staff.disabledAt) throw new AppError('UNAUTHENTICATED', 401)
  if (roles && !roles.includes(staff.role)) throw new AppError('FORBIDDEN', 403)
  return staff
}

/** Middleware form of `requireStaff` for a router of desk routes. */
export function staffGuard(roles?: readonly StaffRole[]): MiddlewareHandler<DeskEnv> {
  return markRoute<MiddlewareHandler<DeskEnv>>(async (c, next) => {
    c.set('staff', await requireStaff(c, roles))
    await next()
  }, 'staff')
}

/** 403 `OUT_OF_REGION` unless one of the account's region codes covers the person's 参保地. */
export function assertRegion(staff: Pick<StaffAccount, 'regionCodes'>, regionCode: string): void {
  if (!anyRegionCovers(staff.regionCodes, regionCode)) throw new AppError('OUT_OF_REGION', 403)
}

/** Records an audit event of a staff member at the help desk. */
export function auditStaff(c: Context<DeskEnv>, event: Omit<AuditEvent, 'actorType' | 'actorId' | 'actorRole' | 'channel' | 'requestId' | 'clientIp'>): Promise<void> {
  const staff = c.get('staff')
  return c.get('deps').audit.record({
    actorType: 'staff',
    actorId: staff.id,
    actorRole: staff.role,
    channel: 'help_desk',
    requestId: c.get('requestId'),
    clientIp: c.get('deps').clientIp(c),
    ...event,
  })
}
