import { z } from 'zod'

/** How the resident consented to an act the desk did for them. */
export const DESK_CONSENT_KINDS = ['evoucher', 'sms'] as const
export type DeskConsentKind = typeof DESK_CONSENT_KINDS[number]

/** A help-desk staff member as residents see them: their name and the hall (the region it serves). */
export const StaffAtHallSchema = z.object({
  name: z.string().meta({ description: '窗口工作人员姓名' }),
  hallRegion: z.string().meta({ description: '办理大厅所属区划代码（6位）' }),
  hallName: z.string().meta({ description: '办理大厅所属区划名称' }),
})
export type StaffAtHall = z.infer<typeof StaffAtHallSchema>

/** 经办人 of an act done at the counter, as the resident's own records (退费记录, 备案) show it. */
export const DeskClerkSchema = StaffAtHallSchema.extend({
  consent: z.enum(DESK_CONSENT_KINDS).meta({ description: '参保人确认方式：evoucher 出示医保码；sms 短信验证码' }),
})
export type DeskClerk = z.infer<typeof DeskClerkSchema>
