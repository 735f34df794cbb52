import type { PersonProfile } from '@yibao/shared'
import { mount } from '@vue/test-utils'
import { describe, expect, it } from 'vitest'
import { i18n } from '../i18n'
import ProfileSummary from './ProfileSummary.vue'

const profile: PersonProfile = {
  name: '刘**',
  certNo: '370502********0421',
  sex: 'female',
  birthDate: '1958-04-21',
  age: 68,
  regionCode: '370502',
  enrolments: [],
  statuses: [],
}

describe('profileSummary', () => {
  it('keeps the masked ID number on one line: the number never wraps, its cell gives it the room', () => {
    const summary = mount(ProfileSummary, { props: { profile }, global: { plugins: [i18n] } })
    const cell = summary.get('[data-testid="profile-cert-no"]')
    expect(cell.get('.van-cell__title').text()).toBe('身份证号')
    expect(cell.get('.van-cell__value').classes()).toContain('cell-value--fit')
    expect(cell.get('.van-cell__value .nowrap-number').text()).toBe('370502********0421')
  })
})
