import { describe, expect, it } from 'vitest'
import { createSandbox } from '../../app'
import { FIXTURE_CERT_NOS } from '../../seed/fixtures'
import { buildNhsaRequest, postNhsa } from '../../testing'

async function call(input: Record<string, unknown>) {
  return (await postNhsa(createSandbox().app, buildNhsaRequest('1160', input))).json()
}

describe('1160 家庭成员关系核验 (local extension)', () => {
  it('confirms the demo resident\'s daughter as 子女 in the same household', async () => {
    const body = await call({ data: { certno: FIXTURE_CERT_NOS.demoResident, certno_member: FIXTURE_CERT_NOS.demoChild } })
    expect(body).toMatchObject({ infcode: 0, output: { same_hshd: '1', rlts: '20', rlts_name: '子女' } })
  })

  it('gives 父母 the other way round and 其他 for strangers', async () => {
    const back = await call({ data: { certno: FIXTURE_CERT_NOS.demoChild, certno_member: FIXTURE_CERT_NOS.demoResident } })
    expect(back).toMatchObject({ output: { rlts: '50' } })
    const stranger = await call({ data: { certno: FIXTURE_CERT_NOS.demoResident, certno_member: FIXTURE_CERT_NOS.guizhouPoverty } })
    expect(stranger).toMatchObject({ output: { same_hshd: '0', rlts: '99' } })
  })

  it('fails with err_msg for an unknown person', async () => {
    const body = await call({ data: { certno: FIXTURE_CERT_NOS.demoResident, certno_member: '11010519491231002X' } })
    expect(body).toMatchObject({ infcode: -1, err_msg: '未查询到人员户籍信息' })
  })
})
