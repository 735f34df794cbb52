import type { Browser } from 'playwright-core'
import { FIXTURE_CERT_NOS } from '@yibao/sandbox'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DEMO, faceCheck, sandboxPerson, signInByPhone } from './auth'
import { appNow, expectNoAxeViolations, launch, mobileContext, screenshot } from './browser'
import { chooseCity } from './cross-region'

let browser: Browser
beforeAll(async () => { browser = await launch() })
afterAll(async () => { await browser?.close() })

/** Opens the 就医地 picker, picks a province and a city, and confirms. */
const masked = (name: string) => `${name[0]}${'*'.repeat(name.length - 1)}`
/** Rows are told apart by the masked ID number (names of one family often mask alike). */
const maskedCert = (certNo: string) => `${certNo.slice(0, 6)}********${certNo.slice(-4)}`

describe('亲情账户 journey (375 px)', () => {
  it('binds a child at once, invites the spouse who consents, and sees the child\'s coverage', async () => {
    const child = await sandboxPerson(FIXTURE_CERT_NOS.demoChild)
    const spouse = await sandboxPerson(FIXTURE_CERT_NOS.demoSpouse)

    const ownerContext = await mobileContext(browser)
    const owner = await ownerContext.newPage()
    await signInByPhone(owner, DEMO)
    await owner.getByRole('link', { name: '亲情账户' }).click()
    await owner.getByRole('heading', { name: '亲情账户' }).waitFor()
    await owner.getByText('还没有绑定家人').waitFor()
    await expectNoAxeViolations(owner)

    // The child (12): confirmed on the household register, linked at once.
    await owner.getByLabel('姓名').fill(child.name)
    await owner.getByLabel('身份证号').fill(child.certNo)
    await owner.getByTestId('add-member').click()
    await owner.getByText('已添加', { exact: true }).waitFor()
    const childRow = owner.getByTestId('family-link').filter({ hasText: maskedCert(child.certNo) })
    expect(await childRow.textContent()).toContain('子女')
    expect(await childRow.textContent()).toContain('已绑定')

    // The spouse (adult): an invitation that waits for consent.
    await owner.getByLabel('姓名').fill(spouse.name)
    await owner.getByLabel('身份证号').fill(spouse.certNo)
    await owner.getByTestId('add-member').click()
    // 16 or older: the spouse does a 人脸核身 on this phone first (the sandbox simulator), then the invitation.
    await owner.getByTestId('face-step').waitFor()
    await expectNoAxeViolations(owner)
    await faceCheck(owner, '通过')
    await owner.getByText('已发出邀请，请家人登录后同意').waitFor()
    expect(await owner.getByTestId('family-link').filter({ hasText: maskedCert(spouse.certNo) }).textContent()).toContain('等待对方同意')
    await screenshot(owner, 'family')
    await expectNoAxeViolations(owner)

    // The spouse signs in on their own phone and agrees.
    const spouseContext = await mobileContext(browser)
    const spousePage = await spouseContext.newPage()
    await signInByPhone(spousePage, spouse)
    await spousePage.goto('/family')
    await spousePage.getByText(`${masked(DEMO.name)} 想把您添加为家人`).waitFor()
    await expectNoAxeViolations(spousePage)
    await spousePage.getByTestId('approve').click()
    await spousePage.getByText('对方可以查看您的参保信息').waitFor()
    await spouseContext.close()

    await owner.reload()
    await owner.getByTestId('family-link').filter({ hasText: maskedCert(spouse.certNo) }).filter({ hasText: '已绑定' }).waitFor()

    // Open the child's coverage.
    await owner.getByTestId('family-link').filter({ hasText: maskedCert(child.certNo) }).click()
    await owner.getByRole('heading', { name: '家人的参保信息' }).waitFor()
    expect(await owner.getByTestId('profile-name').textContent()).toContain(masked(child.name))
    expect(await owner.getByTestId('profile-status').textContent()).toContain('正常参保')
    await expectNoAxeViolations(owner)

    // The owner's access log lists their own reads.
    await owner.goto('/me/access-log')
    await owner.getByTestId('access-entry').first().waitFor()
    expect(await owner.getByTestId('access-entry').allTextContents()).toEqual(expect.arrayContaining([expect.stringContaining('本人 · 实名认证')]))
    await expectNoAxeViolations(owner)

    // 异地就医备案 for the child, filed by the parent (the bureau records them as 代办人): from the home
    // grid, a temporary trip to 深圳, then changed to a referral to 上海, then cancelled.
    await owner.goto('/')
    await owner.getByRole('link', { name: '异地就医备案' }).click()
    await owner.getByRole('heading', { level: 1, name: '异地就医备案' }).waitFor()
    await owner.getByTestId('member-option').filter({ hasText: '子女' }).click()
    await owner.getByTestId('cr-new').click()
    await owner.getByRole('heading', { level: 1, name: '办理异地就医备案' }).waitFor()
    await owner.getByTestId('cr-submit').click()
    await owner.getByTestId('cr-type-error').getByText('请选择备案类型').waitFor()
    await owner.getByTestId('cr-type-temporary').check()
    await chooseCity(owner, '广东省', '深圳市')
    await owner.getByTestId('cr-phone').fill('13800138000')
    expect(await owner.getByTestId('cr-validity').textContent()).toMatch(/至 ?\d{4}-\d{2}-\d{2}/)
    expect(await owner.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375)
    await expectNoAxeViolations(owner)
    await screenshot(owner, 'cross-region-form')
    await owner.getByTestId('cr-submit').click()
    await owner.waitForURL(url => new URL(url).pathname === '/cross-region')
    const trip = owner.getByTestId('cr-filing').filter({ hasText: '深圳' })
    await trip.getByTestId('cr-status').getByText('有效').waitFor()
    expect(await trip.getByTestId('cr-agent').textContent()).toContain(masked(DEMO.name))
    await expectNoAxeViolations(owner)
    await screenshot(owner, 'cross-region')

    await trip.getByTestId('cr-change').click()
    await owner.getByRole('heading', { level: 1, name: '变更异地就医备案' }).waitFor()
    await owner.getByTestId('cr-type-referral').check()
    await chooseCity(owner, '上海市', '上海市')
    await owner.getByTestId('cr-referral').fill('东营市人民医院')
    await owner.getByTestId('cr-phone').fill('13800138000')
    await owner.getByTestId('cr-submit').click()
    await owner.waitForURL(url => new URL(url).pathname === '/cross-region')
    const referral = owner.getByTestId('cr-filing').filter({ hasText: '上海' })
    await referral.getByTestId('cr-status').getByText('有效').waitFor()
    expect(await owner.getByTestId('cr-filing').filter({ hasText: '深圳' }).getByTestId('cr-status').textContent()).toContain('已撤销')

    await referral.getByTestId('cr-cancel').click()
    await owner.getByTestId('cr-cancel-confirm').click()
    await owner.getByTestId('cr-cancel-reason-error').waitFor()
    await owner.getByTestId('cr-cancel-reason').fill('已回本地就医')
    await expectNoAxeViolations(owner)
    await owner.getByTestId('cr-cancel-confirm').click()
    await referral.getByTestId('cr-status').getByText('已撤销').waitFor()
    await owner.getByTestId('cr-new').waitFor()
    await expectNoAxeViolations(owner)

    // 异地长期居住 on a 居住证明 (医保发〔2022〕22号: a 居住证 in place of the 承诺), in 长辈版, as a 补办 three months
    // back (no day count: the stay is confirmed unsettled). The number shows masked, and the filing may be
    // cancelled at once: only a 承诺制 filing is locked for six months.
    await owner.goto('/')
    await owner.getByTestId('elder-toggle').click()
    await owner.goto('/cross-region')
    await owner.getByTestId('member-option').filter({ hasText: '子女' }).click()
    await owner.getByTestId('cr-guide-dates').getByText('出院结算前均可办理，不限天数').waitFor()
    await owner.getByTestId('cr-new').click()
    await owner.getByRole('heading', { level: 1, name: '办理异地就医备案' }).waitFor()
    await owner.getByTestId('cr-type-long_term_resident').check()
    await chooseCity(owner, '广东省', '深圳市')
    await owner.getByTestId('cr-phone').fill('13800138000')
    await owner.getByTestId('cr-address').fill('广东省深圳市南山区科技园路1号')
    await owner.getByTestId('cr-basis-residence_proof').check()
    await owner.getByTestId('cr-proof-kind').selectOption('residence_permit')
    const permit = '440305201401012345'
    await owner.getByTestId('cr-proof-number').fill(permit)
    const back = new Date(appNow().getTime() - 90 * 86_400_000)
      .toLocaleDateString('sv-SE', { timeZone: 'Asia/Shanghai' })
    await owner.getByTestId('cr-start').fill(back)
    await owner.getByTestId('cr-submit').click()
    await owner.getByTestId('cr-unsettled-error').getByText('补办备案须在出院结算前办理，请确认本次就医尚未出院结算').waitFor()
    expect(await owner.evaluate(() => document.documentElement.classList.contains('elder'))).toBe(true)
    expect(await owner.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375)
    await expectNoAxeViolations(owner)
    await screenshot(owner, 'cross-region-residence-proof-elder')
    await owner.getByTestId('cr-unsettled').check()
    await owner.getByTestId('cr-submit').click()
    await owner.waitForURL(url => new URL(url).pathname === '/cross-region')
    const resident = owner.getByTestId('cr-filing').filter({ hasText: '异地长期居住人员' })
    await resident.getByTestId('cr-status').getByText('有效').waitFor()
    expect(await resident.getByTestId('cr-basis').textContent()).toBe('办理方式：居住证明（居住证 44**************45）')
    expect(await resident.getByTestId('cr-period').textContent()).toContain(back)
    expect(await owner.content()).not.toContain(permit)
    expect(await resident.getByTestId('cr-locked').count()).toBe(0)
    await expectNoAxeViolations(owner)
    await resident.getByTestId('cr-cancel').click()
    await owner.getByTestId('cr-cancel-reason').fill('已搬回参保地居住')
    await owner.getByTestId('cr-cancel-confirm').click()
    await resident.getByTestId('cr-status').getByText('已撤销').waitFor()
    await ownerContext.close()
  })

  it('sends someone who is not signed in to the sign-in page first', async () => {
    const context = await mobileContext(browser)
    const page = await context.newPage()
    await page.goto('/family')
    await page.waitForURL(url => new URL(url).pathname === '/login')
    expect(new URL(page.url()).searchParams.get('redirect')).toBe('/family')
    await context.close()
  })
})
