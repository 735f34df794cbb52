import { sql } from 'drizzle-orm'
import { bigint, bigserial, boolean, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core'

/**
 * Audit trail: every access to personal data and every state change. Append-only (a trigger in
 * the migration refuses UPDATE and DELETE). Holds no raw PII: subjects are referenced by a keyed
 * hash and a masked ID number.
 */
export const auditEvents = pgTable('audit_events', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  at: timestamp('at', { withTimezone: true, mode: 'date' }).notNull().default(sql`now()`),
  actorType: text('actor_type').notNull(),
  actorId: text('actor_id').notNull(),
  actorRole: text('actor_role'),
  /** Keyed hash of the subject's ID number (joins events of one person without storing the number). */
  subjectRef: text('subject_ref'),
  /** Masked ID number for display, e.g. 370502********1234. */
  subjectMasked: text('subject_masked'),
  /** 6-digit 参保地 of the subject when staff accessed a person (supervisors query their region by it). */
  subjectRegion: text('subject_region'),
  channel: text('channel').notNull(),
  action: text('action').notNull(),
  target: text('target'),
  success: boolean('success').notNull(),
  requestId: text('request_id'),
  clientIp: text('client_ip'),
  detail: jsonb('detail'),
}, t => [
  index('audit_events_subject_at_idx').on(t.subjectRef, t.at),
  index('audit_events_at_idx').on(t.at),
  index('audit_events_region_at_idx').on(t.subjectRegion, t.at),
])

/**
 * Fixed-window rate-limit counters shared by every BFF instance. `subject` is a keyed hash (of an IP
 * address, an account or a looked-up ID number), never the raw value.
 */
export const rateLimits = pgTable('rate_limits', {
  bucket: text('bucket').notNull(),
  subject: text('subject').notNull(),
  windowStart: timestamp('window_start', { withTimezone: true, mode: 'date' }).notNull(),
  count: integer('count').notNull().default(0),
}, t => [
  primaryKey({ columns: [t.bucket, t.subject, t.windowStart] }),
  index('rate_limits_window_idx').on(t.windowStart),
])

/**
 * A resident's login bound to a real person. The ID number and phone are stored encrypted
 * (AES-256-GCM) next to keyed hashes used for look-ups; the name only masked.
 */
export const residentAccounts = pgTable('resident_accounts', {
  id: uuid('id').primaryKey().defaultRandom(),
  certRef: text('cert_ref').notNull().unique(),
  certNoEnc: text('cert_no_enc').notNull(),
  nameMasked: text('name_masked').notNull(),
  regionCode: text('region_code').notNull(),
  phoneRef: text('phone_ref').unique(),
  phoneEnc: text('phone_enc'),
  /** WeChat openid of this app (unique per app), when signed in through WeChat. */
  openid: text('openid').unique(),
  /** Last time the account was moved to another phone by a recovery (刷脸找回 or at the desk). */
  recoveredAt: timestamp('recovered_at', { withTimezone: true, mode: 'date' }),
  createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().default(sql`now()`),
  updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().default(sql`now()`),
})

/**
 * 用户协议、隐私政策 and the separate consent to sensitive personal information (PIPL Art. 14, 29), per resident
 * account: one row per agreement or withdrawal, never changed afterwards (the record of what was agreed to, when
 * and how). The newest row of an account is where it stands: agreed to a version, or withdrawn.
 */
export const residentConsents = pgTable('resident_consents', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  accountId: uuid('account_id').notNull().references(() => residentAccounts.id),
  /** agree | withdraw */
  action: text('action').notNull(),
  /** The version of the texts agreed to (or, for a withdrawal, the one withdrawn from): `YYYY-MM-DD`. */
  version: text('version').notNull(),
  /** Agreed to the 用户协议 and 隐私政策. */
  general: boolean('general').notNull(),
  /** Agreed, separately, to the processing of sensitive personal information (ID number, medical, financial). */
  sensitive: boolean('sensitive').notNull(),
  /** How the resident was signed in: phone | wechat */
  channel: text('channel').notNull(),
  /** On the app's clock. */
  at: timestamp('at', { withTimezone: true, mode: 'date' }).notNull(),
}, t => [
  index('resident_consents_account_idx').on(t.accountId, t.id),
])

/**
 * 人脸核身: one face check started by a session for one person and one purpose. The person is held only as
 * a keyed hash of the ID number (`cert_ref`); the provider's BizToken is the key to ask it for the result.
 * A passed check is consumed once (`consumed_at`) by the guarded action of the same purpose, person and
 * session, before `expires_at` (about 10 minutes after it started, on the app's clock).
 * status: pending → passed | failed (活体未通过) | not_same_person (比对不一致) | expired.
 */
export const faceChecks = pgTable('face_checks', {
  id: uuid('id').primaryKey().defaultRandom(),
  /** The session that started it (the hash of its token, `sessions.id`). */
  sessionId: text('session_id').notNull(),
  certRef: text('cert_ref').notNull(),
  /** bind | unmask_self | family_bind | recover */
  purpose: text('purpose').notNull(),
  status: text('status').notNull(),
  provider: text('provider').notNull(),
  bizToken: text('biz_token').notNull().unique(),
  /** The app page to go back to when the browser returns (a fixed path per purpose). */
  returnPath: text('return_path').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull(),
  expiresAt: timestamp('expires_at', { withTimezone: true, mode: 'date' }).notNull(),
  resultAt: timestamp('result_at', { withTimezone: true, mode: 'date' }),
  consumedAt: timestamp('consumed_at', { withTimezone: true, mode: 'date' }),
}, t => [
  index('face_checks_session_idx').on(t.sessionId, t.purpose, t.createdAt),
])

/**
 * Server-side sessions (the cookie holds an opaque token; we keep its SHA-256). `kind`:
 * `resident`, `staff`, or `pending` (a WeChat or phone identity not bound to a person yet).
 */
export const sessions = pgTable('sessions', {
  id: text('id').primaryKey(),
  kind: text('kind').notNull(),
  accountId: text('account_id'),
  data: jsonb('data').$type<Record<string, unknown>>(),
  csrfToken: text('csrf_token').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().default(sql`now()`),
  lastSeenAt: timestamp('last_seen_at', { withTimezone: true, mode: 'date' }).notNull().default(sql`now()`),
  idleTimeoutS: integer('idle_timeout_s').notNull(),
  expiresAt: timestamp('expires_at', { withTimezone: true, mode: 'date' }).notNull(),
  revokedAt: timestamp('revoked_at', { withTimezone: true, mode: 'date' }),
  userAgent: text('user_agent'),
}, t => [
  index('sessions_account_idx').on(t.kind, t.accountId),
])

/** One-time SMS codes (only a hash of the code is kept). */
export const otpCodes = pgTable('otp_codes', {
  id: uuid('id').primaryKey().defaultRandom(),
  purpose: text('purpose').notNull(),
  phoneRef: text('phone_ref').notNull(),
  codeHash: text('code_hash').notNull(),
  expiresAt: timestamp('expires_at', { withTimezone: true, mode: 'date' }).notNull(),
  attempts: integer('attempts').notNull().default(0),
  consumedAt: timestamp('consumed_at', { withTimezone: true, mode: 'date' }),
  createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().default(sql`now()`),
}, t => [
  index('otp_codes_phone_idx').on(t.phoneRef, t.purpose, t.createdAt),
])

/**
 * 亲情账户: a resident (owner) sees a family member's coverage and slips. A child under 16 is linked
 * on the household-register relation the bureau confirms; a member aged 16 or more must consent
 * (from their own account, or by SMS code at the help desk) before the link is active.
 */
export const familyLinks = pgTable('family_links', {
  id: uuid('id').primaryKey().defaultRandom(),
  ownerAccountId: uuid('owner_account_id').notNull().references(() => residentAccounts.id),
  memberCertRef: text('member_cert_ref').notNull(),
  memberCertNoEnc: text('member_cert_no_enc').notNull(),
  memberNameMasked: text('member_name_masked').notNull(),
  /** As the household register states it, relative to the owner: child, spouse, parent, grandchild, sibling, other. */
  relation: text('relation').notNull(),
  /** pending_consent | active | declined | revoked */
  status: text('status').notNull(),
  /** household_register | member_account | desk_sms */
  consentMethod: text('consent_method'),
  createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().default(sql`now()`),
  activatedAt: timestamp('activated_at', { withTimezone: true, mode: 'date' }),
  endedAt: timestamp('ended_at', { withTimezone: true, mode: 'date' }),
}, t => [
  index('family_links_owner_idx').on(t.ownerAccountId, t.status),
  index('family_links_member_idx').on(t.memberCertRef, t.status),
])

/**
 * Help-desk staff (窗口/帮办代办). Password: argon2id (PHC string). TOTP secret: sealed with the PII
 * vault. `region_codes`: 6-digit 区划 codes the account may serve; `370500` (ends in 00) covers the whole
 * city, `520000` (ends in 0000) the whole province. Created with `pnpm --filter @yibao/server admin`.
 */
export const staffAccounts = pgTable('staff_accounts', {
  id: uuid('id').primaryKey().defaultRandom(),
  username: text('username').notNull().unique(),
  displayName: text('display_name').notNull(),
  /** clerk | supervisor | admin */
  role: text('role').notNull(),
  regionCodes: text('region_codes').array().notNull().default(sql`'{}'::text[]`),
  passwordHash: text('password_hash').notNull(),
  totpSecretEnc: text('totp_secret_enc'),
  totpEnrolled: boolean('totp_enrolled').notNull().default(false),
  /** Last accepted TOTP time step (a code is never accepted twice). */
  totpLastStep: integer('totp_last_step'),
  /** Set by an admin (停用): the account cannot sign in and its sessions are ended; null when active. */
  disabledAt: timestamp('disabled_at', { withTimezone: true, mode: 'date' }),
  /** The last full sign-in (password and TOTP). */
  lastSignInAt: timestamp('last_sign_in_at', { withTimezone: true, mode: 'date' }),
  createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().default(sql`now()`),
  updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().default(sql`now()`),
})

/**
 * Failed staff sign-in attempts (password or TOTP) and locks, per account AND source (a keyed hash of the
 * client IP), so guessing from one place locks only that place out, never the clerk at the counter. The row
 * with `source_ref` `*` counts an account's failures from every source; it only slows sign-in down
 * (progressive delay), it never locks. `account_ref` is `staff:<id>`, or for a username no account has
 * `unknown:<keyed hash>`: unknown usernames are counted and locked exactly like real ones.
 */
export const signInGuards = pgTable('sign_in_guards', {
  accountRef: text('account_ref').notNull(),
  sourceRef: text('source_ref').notNull(),
  /** Attempts counted since the last full sign-in or lock (each reserved before its factor is checked). */
  failures: integer('failures').notNull().default(0),
  lockedUntil: timestamp('locked_until', { withTimezone: true, mode: 'date' }),
  updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull(),
}, t => [
  primaryKey({ columns: [t.accountRef, t.sourceRef] }),
  index('sign_in_guards_updated_idx').on(t.updatedAt),
])

/**
 * Last good coverage (参保/待遇) view of a person, shown marked as stale when the bureau is down. One row
 * per person, keyed by the keyed hash of their ID number; the masked view is sealed with the PII vault.
 * Never shared across people: a reader gets the row of the person they are entitled to see, or nothing.
 */
export const coverageCache = pgTable('coverage_cache', {
  certRef: text('cert_ref').primaryKey(),
  payloadEnc: text('payload_enc').notNull(),
  /** When the bureau last answered for this person (the data is "as of" this moment). */
  asOf: timestamp('as_of', { withTimezone: true, mode: 'date' }).notNull(),
})

/**
 * Idempotency keys of money-moving requests (Stripe / Brandur design): one row per (principal, route,
 * key) with the request's hash, a lock, the recovery point reached and the stored response.
 */
export const idempotencyKeys = pgTable('idempotency_keys', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  principal: text('principal').notNull(),
  route: text('route').notNull(),
  key: text('key').notNull(),
  requestHash: text('request_hash').notNull(),
  lockedAt: timestamp('locked_at', { withTimezone: true, mode: 'date' }),
  recoveryPoint: text('recovery_point').notNull(),
  responseStatus: integer('response_status'),
  responseBody: jsonb('response_body'),
  createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().default(sql`now()`),
  lastRunAt: timestamp('last_run_at', { withTimezone: true, mode: 'date' }).notNull().default(sql`now()`),
}, t => [
  uniqueIndex('idempotency_keys_principal_route_key_idx').on(t.principal, t.route, t.key),
  index('idempotency_keys_created_idx').on(t.createdAt),
])

/**
 * A premium payment order (参保缴费): one per payment, with one line per person paid for. The
 * `out_trade_no` is generated before the channel is called and reused on every retry.
 * status: ORDER_MACHINE in domain/states.ts (created → prepaid → paid, or closed). Amounts are integer fen.
 */
export const premiumOrders = pgTable('premium_orders', {
  id: uuid('id').primaryKey().defaultRandom(),
  outTradeNo: text('out_trade_no').notNull().unique(),
  /** resident:<accountId> | staff:<staffId> */
  principal: text('principal').notNull(),
  channel: text('channel').notNull(),
  year: integer('year').notNull(),
  totalFen: bigint('total_fen', { mode: 'number' }).notNull(),
  status: text('status').notNull(),
  description: text('description').notNull(),
  prepayId: text('prepay_id'),
  codeUrl: text('code_url'),
  /** H5 orders: the latest h5_url WeChat Pay gave (valid 5 minutes; the payer's browser appends redirect_url). */
  h5Url: text('h5_url'),
  payerOpenid: text('payer_openid'),
  timeExpire: timestamp('time_expire', { withTimezone: true, mode: 'date' }).notNull(),
  transactionId: text('transaction_id'),
  paidAt: timestamp('paid_at', { withTimezone: true, mode: 'date' }),
  idempotencyKeyId: bigint('idempotency_key_id', { mode: 'number' }).unique(),
  /**
   * Order event streams ask WeChat Pay about this open order no earlier than this (app clock): one query per
   * order per interval across every stream on every instance, claimed with a conditional UPDATE.
   */
  nextQueryAt: timestamp('next_query_at', { withTimezone: true, mode: 'date' }),
  createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().default(sql`now()`),
  updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().default(sql`now()`),
}, t => [
  index('premium_orders_principal_idx').on(t.principal, t.createdAt),
  index('premium_orders_status_idx').on(t.status, t.createdAt),
])

/** One person on an order, with their electronic receipt (电子缴费凭证) once paid. */
export const premiumOrderLines = pgTable('premium_order_lines', {
  id: uuid('id').primaryKey().defaultRandom(),
  orderId: uuid('order_id').notNull().references(() => premiumOrders.id),
  personCertRef: text('person_cert_ref').notNull(),
  personCertNoEnc: text('person_cert_no_enc').notNull(),
  personNameMasked: text('person_name_masked').notNull(),
  regionCode: text('region_code').notNull(),
  year: integer('year').notNull(),
  amountFen: bigint('amount_fen', { mode: 'number' }).notNull(),
  /** See LINE_MACHINE in domain/states.ts: pending → paid → reported → refunded, or void / duplicate. */
  status: text('status').notNull(),
  receiptCode: text('receipt_code').unique(),
  receiptIssuedAt: timestamp('receipt_issued_at', { withTimezone: true, mode: 'date' }),
  reportedAt: timestamp('reported_at', { withTimezone: true, mode: 'date' }),
}, t => [
  index('premium_order_lines_order_idx').on(t.orderId),
  index('premium_order_lines_person_idx').on(t.personCertRef, t.year),
  // One person-year, one live line, across all orders and payers (domain/states.ts LIVE_LINE_STATES).
  uniqueIndex('premium_order_lines_person_year_live_idx').on(t.personCertRef, t.year)
    .where(sql`status in ('pending', 'paid', 'reported')`),
])

/**
 * A refund (退费) of one paid line, requested by the order's payer. The `out_refund_no` is fixed when
 * the row is written, before the bureau or WeChat Pay is asked, and reused on every retry. A line has
 * at most one refund that is not rejected (a partial unique index), so the same premium never goes
 * back twice, while a reason the bureau refused can be corrected in a new request.
 * status: approving (bureau 审核) → refunding (WeChat Pay) → succeeded, or rejected / failed.
 */
export const premiumRefunds = pgTable('premium_refunds', {
  id: uuid('id').primaryKey().defaultRandom(),
  outRefundNo: text('out_refund_no').notNull().unique(),
  orderId: uuid('order_id').notNull().references(() => premiumOrders.id),
  lineId: uuid('line_id').notNull().references(() => premiumOrderLines.id),
  /** resident:<accountId>: the payer of the order. */
  principal: text('principal').notNull(),
  reason: text('reason').notNull(),
  amountFen: bigint('amount_fen', { mode: 'number' }).notNull(),
  status: text('status').notNull(),
  /** The bureau's refusal (our error code) when rejected. */
  rejectCode: text('reject_code'),
  taxRefundNo: text('tax_refund_no'),
  wechatRefundId: text('wechat_refund_id'),
  /** Where WeChat Pay sent the money (e.g. 招商银行信用卡0403). */
  receivedAccount: text('received_account'),
  idempotencyKeyId: bigint('idempotency_key_id', { mode: 'number' }).unique(),
  createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().default(sql`now()`),
  updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().default(sql`now()`),
  succeededAt: timestamp('succeeded_at', { withTimezone: true, mode: 'date' }),
}, t => [
  uniqueIndex('premium_refunds_line_live_idx').on(t.lineId).where(sql`status <> 'rejected'`),
  index('premium_refunds_principal_idx').on(t.principal, t.createdAt),
  index('premium_refunds_status_idx').on(t.status, t.createdAt),
])

/** Payment-channel notifications already handled (dedupe on event id and on order + event type). */
export const paymentNotifications = pgTable('payment_notifications', {
  eventId: text('event_id').primaryKey(),
  outTradeNo: text('out_trade_no').notNull(),
  eventType: text('event_type').notNull(),
  receivedAt: timestamp('received_at', { withTimezone: true, mode: 'date' }).notNull().default(sql`now()`),
})

/**
 * Transactional outbox: work that must happen after a commit (report a collection to the bureau,
 * issue receipts), done by workers with `FOR UPDATE SKIP LOCKED`, retried with back-off.
 */
export const outbox = pgTable('outbox', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  topic: text('topic').notNull(),
  /** Idempotent work key: the same job is enqueued once. */
  dedupeKey: text('dedupe_key').notNull().unique(),
  payload: jsonb('payload').$type<Record<string, unknown>>().notNull(),
  availableAt: timestamp('available_at', { withTimezone: true, mode: 'date' }).notNull().default(sql`now()`),
  attempts: integer('attempts').notNull().default(0),
  lockedUntil: timestamp('locked_until', { withTimezone: true, mode: 'date' }),
  doneAt: timestamp('done_at', { withTimezone: true, mode: 'date' }),
  lastError: text('last_error'),
  /** Set (with doneAt) when the job ran out of attempts: it became an anomaly instead of retrying forever. */
  deadAt: timestamp('dead_at', { withTimezone: true, mode: 'date' }),
  createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().default(sql`now()`),
}, t => [
  index('outbox_pending_idx').on(t.doneAt, t.availableAt),
])

/**
 * 异常处理: every payment anomaly lands here (once per dedupe key) for a supervisor of the region to work:
 * amount mismatch, payment after close, duplicate payment, a tax refusal, a failed refund, a job out of
 * attempts, a reconciliation difference. status: open → resolved (who, when, why).
 */
export const paymentAnomalies = pgTable('payment_anomalies', {
  id: uuid('id').primaryKey().defaultRandom(),
  kind: text('kind').notNull(),
  dedupeKey: text('dedupe_key').notNull().unique(),
  status: text('status').notNull().default('open'),
  orderId: uuid('order_id').references(() => premiumOrders.id),
  lineId: uuid('line_id').references(() => premiumOrderLines.id),
  refundId: uuid('refund_id').references(() => premiumRefunds.id),
  outboxId: bigint('outbox_id', { mode: 'number' }),
  /** 参保地区划 of the person concerned (supervisors see their regions); null when unknown (admins). */
  regionCode: text('region_code'),
  /** What happened and what was tried (no ID numbers: masked or referenced only). */
  detail: jsonb('detail').$type<Record<string, unknown>>().notNull(),
  /** What has been done about it since, newest last (retries, refunds), by whom. */
  actions: jsonb('actions').$type<{ at: string, by: string, action: string, note?: string }[]>().notNull().default(sql`'[]'::jsonb`),
  createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().default(sql`now()`),
  updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().default(sql`now()`),
  resolvedAt: timestamp('resolved_at', { withTimezone: true, mode: 'date' }),
  resolvedBy: text('resolved_by'),
  resolution: text('resolution'),
}, t => [
  index('payment_anomalies_status_idx').on(t.status, t.regionCode, t.createdAt),
  index('payment_anomalies_order_idx').on(t.orderId),
])

/**
 * 窗口代办: an act with consequences a help-desk clerk did for a resident at the counter (a refund, a 备案 filed,
 * changed or cancelled), with the clerk as 经办人, the hall (the clerk's region that serves the resident) and how
 * the resident consented (a fresh 医保电子凭证 scan, or an SMS code sent to their phone on file). The resident's
 * own records (退费记录, 备案) name the clerk and hall from here. `target` is `refund:<id>` or `filing:<id>`.
 */
export const deskActs = pgTable('desk_acts', {
  id: uuid('id').primaryKey().defaultRandom(),
  kind: text('kind').notNull(),
  target: text('target').notNull(),
  subjectRef: text('subject_ref').notNull(),
  staffId: uuid('staff_id').notNull().references(() => staffAccounts.id),
  hallRegion: text('hall_region').notNull(),
  /** evoucher | sms */
  consent: text('consent').notNull(),
  at: timestamp('at', { withTimezone: true, mode: 'date' }).notNull(),
}, t => [
  uniqueIndex('desk_acts_kind_target_idx').on(t.kind, t.target),
  index('desk_acts_target_idx').on(t.target),
  index('desk_acts_subject_idx').on(t.subjectRef, t.at),
])

/**
 * 参保证明 issued (downloaded by a resident, printed at the desk): the masked facts the PDF certified, so the
 * public check can show them by the 验证码 and say 已过期 after `valid_until`. `issuer` is `resident:<id>` or
 * `staff:<id>`; `channel` self | family | desk. Nothing unmasked is kept.
 */
export const certificates = pgTable('certificates', {
  id: uuid('id').primaryKey().defaultRandom(),
  code: text('code').notNull().unique(),
  subjectRef: text('subject_ref').notNull(),
  nameMasked: text('name_masked').notNull(),
  certNoMasked: text('cert_no_masked').notNull(),
  regionCode: text('region_code').notNull(),
  /** CertificateYear[] (shared), newest first. */
  years: jsonb('years').notNull(),
  issuer: text('issuer').notNull(),
  channel: text('channel').notNull(),
  issuedAt: timestamp('issued_at', { withTimezone: true, mode: 'date' }).notNull(),
  /** Shanghai day (YYYY-MM-DD), inclusive. */
  validUntil: text('valid_until').notNull(),
}, t => [
  index('certificates_subject_idx').on(t.subjectRef, t.issuedAt),
])

/**
 * 日结: a help-desk clerk's day (Shanghai calendar day) of payments taken at the counter, frozen when closed:
 * `orders` is the list as it stood (DayPayment[] of shared, people masked), `count`/`total_fen` the paid
 * ones. A supervisor may reopen it (who, when, why); closing again freezes it anew. On T+1 it is matched
 * against WeChat Pay's trade bill: `reconcile_status` matched | differences, `differences` DayDifference[].
 * status: closed | reopened. One row per clerk and day.
 */
export const deskDayCloses = pgTable('desk_day_closes', {
  id: uuid('id').primaryKey().defaultRandom(),
  staffId: uuid('staff_id').notNull().references(() => staffAccounts.id),
  day: text('day').notNull(),
  status: text('status').notNull(),
  orders: jsonb('orders').notNull(),
  count: integer('count').notNull(),
  totalFen: bigint('total_fen', { mode: 'number' }).notNull(),
  closedAt: timestamp('closed_at', { withTimezone: true, mode: 'date' }).notNull(),
  reopenedAt: timestamp('reopened_at', { withTimezone: true, mode: 'date' }),
  reopenedBy: uuid('reopened_by').references(() => staffAccounts.id),
  reopenReason: text('reopen_reason'),
  reconcileStatus: text('reconcile_status'),
  reconciledAt: timestamp('reconciled_at', { withTimezone: true, mode: 'date' }),
  differences: jsonb('differences'),
}, t => [
  uniqueIndex('desk_day_closes_staff_day_idx').on(t.staffId, t.day),
  index('desk_day_closes_day_idx').on(t.day),
])
