import type { HouseholdRelation, SandboxPerson } from '../../seed/model'
import { z } from 'zod'
import { defineTransaction, NhsaFailure } from '../registry'

/**
 * 1160 家庭成员关系核验 — a local extension (地方扩展交易): the national platform has no such
 * transaction; provinces relay the public-security household register (户口簿) through their gateway.
 * Tells how `certno_member` is related to `certno` according to the household register.
 *
 * Output `rlts` uses GB/T 4761 family-relation groups: 10 配偶, 20 子女, 40 孙子女, 50 父母,
 * 60 祖父母/外祖父母, 70 兄弟姐妹, 99 其他; `same_hshd` is '1' when both are in the same 户.
 */
export const FamilyRelationInputSchema = z.object({
  data: z.object({
    certno: z.string({ error: '证件号码[certno]不能为空' }).trim().min(1, { error: '证件号码[certno]不能为空' }),
    certno_member: z.string({ error: '家庭成员证件号码[certno_member]不能为空' }).trim().min(1, { error: '家庭成员证件号码[certno_member]不能为空' }),
  }, { error: '交易输入缺少data节点' }),
})

export const FAMILY_RLTS = { 10: '配偶', 20: '子女', 40: '孙子女', 50: '父母', 60: '祖父母/外祖父母', 70: '兄弟姐妹', 99: '其他' } as const
export type FamilyRlts = keyof typeof FAMILY_RLTS

/** Relation of B to A when both relations to the head are known (A = row, B = column). */
const TABLE: Partial<Record<HouseholdRelation | 'self', Partial<Record<HouseholdRelation, FamilyRlts>>>> = {
  head: { spouse: 10, child: 20, grandchild: 40, parent: 50, sibling: 70 },
  spouse: { head: 10, child: 20, grandchild: 40 },
  child: { head: 50, spouse: 50, child: 70, parent: 60 },
  parent: { head: 20 },
  grandchild: { head: 60, spouse: 60 },
  sibling: { head: 70 },
}

export function relationOf(a: SandboxPerson, b: SandboxPerson): FamilyRlts {
  if (a.householdId !== b.householdId) return 99
  return TABLE[a.relation]?.[b.relation] ?? 99
}

export const familyRelation1160 = defineTransaction({
  infno: '1160',
  name: '家庭成员关系核验',
  input: FamilyRelationInputSchema,
  handle: ({ input, state }) => {
    const a = state.residents.findPersonByCertNo(input.data.certno)
    const b = state.residents.findPersonByCertNo(input.data.certno_member)
    if (!a || !b) throw new NhsaFailure('未查询到人员户籍信息')
    const rlts = relationOf(a, b)
    return { same_hshd: a.householdId === b.householdId ? '1' : '0', rlts: String(rlts), rlts_name: FAMILY_RLTS[rlts] }
  },
})
