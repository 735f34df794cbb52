import type { Context } from 'hono'
import type { StaffAdminDeps } from '../lib/staff-admin'
import type { DeskEnv } from '../lib/staff'
import type { StaffAccount } from '../storage/staff'
import {
  StaffAccessInputSchema,
  StaffAccountViewSchema,
  StaffCreatedSchema,
  StaffCreateInputSchema,
  StaffDisableInputSchema,
  StaffIdParamSchema,
  StaffListSchema,
} from '@yibao/shared'
import { Hono } from 'hono'
import { AppError } from '../lib/errors'
import { doc } from '../lib/openapi'
import { auditStaff, staffGuard } from '../lib/staff'
import {
  createManagedStaff,
  listManagedStaff,
  resetManagedStaffMfa,
  setManagedStaffAccess,
  setManagedStaffDisabled,
  unlockManagedStaff,
} from '../lib/staff-admin'
import { validate } from '../lib/validate'
import { findStaffBy } from '../storage/staff'

const TAG = '人员管理'

function adminDeps(c: Context<DeskEnv>): StaffAdminDeps {
  const { storage, now, sessionCache } = c.get('deps')
  return { db: storage.db, now, sessionCache }
}

/** The account an event is about, as the trail names it (its id, username and first region; no personal data). */
function subjectOf(account: Pick<StaffAccount, 'id' | 'username' | 'regionCodes'> | null, username?: string) {
  if (!account) return { subjectMasked: username }
  return { subjectRef: `staff:${account.id}`, subjectMasked: account.username, subjectRegion: account.regionCodes[0], target: account.id }
}

type Subject = ReturnType<typeof subjectOf>

/**
 * Runs one change of the admin page and audits it either way (actor: the admin; subject: the account,
 * `after` the change when it creates one), a refusal with its error code as the outcome. Never the
 * initial password.
 */
async function audited<T>(
  c: Context<DeskEnv>,
  action: string,
  subject: Subject,
  detail: Record<string, unknown>,
  run: () => Promise<T>,
  after: (result: T) => Subject = () => subject,
): Promise<T> {
  let result: T
  try {
    result = await run()
  }
  catch (error) {
    const outcome = error instanceof AppError ? error.code : 'failed'
    await auditStaff(c, { ...subject, action, success: false, detail: { ...detail, outcome } })
    throw error
  }
  await auditStaff(c, { ...after(result), action, success: true, detail })
  return result
}

/** The subject of a change by id: the account if there is one (whoever's it is; the service decides). */
async function subjectById(c: Context<DeskEnv>, id: string) {
  return subjectOf(await findStaffBy(c.get('deps').storage.db, 'id', id))
}

const errorsOfChange = { 403: ['STAFF_SELF_CHANGE'], 404: ['STAFF_NOT_FOUND'] } as const

/**
 * 人员管理 for 系统管理员: the help-desk accounts of their regions, created, reset, unlocked and disabled
 * here as with the operator CLI (`pnpm --filter @yibao/server admin`), through the same functions.
 */
export const deskStaffAdminRoutes = new Hono<DeskEnv>()
  .get('/',
    doc({
      summary: '本辖区的窗口工作人员账号（系统管理员）',
      tag: TAG,
      audience: 'staff',
      ok: { 200: StaffListSchema },
    }),
    staffGuard(['admin']),
    async (c) => {
      c.header('Cache-Control', 'no-store')
      return c.json(await listManagedStaff(adminDeps(c), c.get('staff')), 200)
    })
  .post('/',
    doc({
      summary: '新建窗口工作人员账号（初始密码只显示一次）',
      description: '角色和服务区域只能在本管理员的服务区域内授予；身份验证器由本人首次登录时绑定。',
      tag: TAG,
      audience: 'staff',
      ok: { 201: StaffCreatedSchema },
      errors: { 400: ['STAFF_REGION_UNKNOWN'], 403: ['STAFF_REGION_NOT_OWN'], 409: ['STAFF_USERNAME_TAKEN'] },
    }),
    staffGuard(['admin']),
    validate('json', StaffCreateInputSchema),
    async (c) => {
      const input = c.req.valid('json')
      const detail = { role: input.role, regionCodes: input.regionCodes }
      const created = await audited(c, 'desk.staff.create', subjectOf(null, input.username), detail,
        () => createManagedStaff(adminDeps(c), c.get('staff'), input),
        r => subjectOf({ ...r.account, regionCodes: input.regionCodes }))
      c.header('Cache-Control', 'no-store')
      return c.json(created, 201)
    })
  .post('/:id/mfa-reset',
    doc({
      summary: '重置身份验证器（该账号下次登录时重新绑定，并退出其全部登录）',
      tag: TAG,
      audience: 'staff',
      ok: { 200: StaffAccountViewSchema },
      errors: errorsOfChange,
    }),
    staffGuard(['admin']),
    validate('param', StaffIdParamSchema),
    async (c) => {
      const { id } = c.req.valid('param')
      const view = await audited(c, 'desk.staff.reset_mfa', await subjectById(c, id), {},
        () => resetManagedStaffMfa(adminDeps(c), c.get('staff'), id))
      return c.json(view, 200)
    })
  .post('/:id/unlock',
    doc({
      summary: '解除登录锁定',
      tag: TAG,
      audience: 'staff',
      ok: { 200: StaffAccountViewSchema },
      errors: errorsOfChange,
    }),
    staffGuard(['admin']),
    validate('param', StaffIdParamSchema),
    async (c) => {
      const { id } = c.req.valid('param')
      const view = await audited(c, 'desk.staff.unlock', await subjectById(c, id), {},
        () => unlockManagedStaff(adminDeps(c), c.get('staff'), id))
      return c.json(view, 200)
    })
  .post('/:id/disabled',
    doc({
      summary: '停用或启用账号（停用即退出其全部登录）',
      tag: TAG,
      audience: 'staff',
      ok: { 200: StaffAccountViewSchema },
      errors: errorsOfChange,
    }),
    staffGuard(['admin']),
    validate('param', StaffIdParamSchema),
    validate('json', StaffDisableInputSchema),
    async (c) => {
      const { id } = c.req.valid('param')
      const { disabled } = c.req.valid('json')
      const view = await audited(c, disabled ? 'desk.staff.disable' : 'desk.staff.enable', await subjectById(c, id), {},
        () => setManagedStaffDisabled(adminDeps(c), c.get('staff'), id, disabled))
      return c.json(view, 200)
    })
  .post('/:id/access',
    doc({
      summary: '修改账号的角色和服务区域（不能修改本人账号）',
      tag: TAG,
      audience: 'staff',
      ok: { 200: StaffAccountViewSchema },
      errors: { 400: ['STAFF_REGION_UNKNOWN'], 403: ['STAFF_SELF_CHANGE', 'STAFF_REGION_NOT_OWN'], 404: ['STAFF_NOT_FOUND'] },
    }),
    staffGuard(['admin']),
    validate('param', StaffIdParamSchema),
    validate('json', StaffAccessInputSchema),
    async (c) => {
      const { id } = c.req.valid('param')
      const access = c.req.valid('json')
      const view = await audited(c, 'desk.staff.access', await subjectById(c, id), { role: access.role, regionCodes: access.regionCodes },
        () => setManagedStaffAccess(adminDeps(c), c.get('staff'), id, access))
      return c.json(view, 200)
    })
