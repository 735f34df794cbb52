import { mount } from '@vue/test-utils'
import { describe, expect, it } from 'vitest'
import { ApiError } from '../api/errors'
import { i18n } from '../i18n'
import ErrorNotice from './ErrorNotice.vue'

const notice = (error: ApiError) => mount(ErrorNotice, { props: { error }, global: { plugins: [i18n] } })

describe('errorNotice', () => {
  it('a mistake the person can fix (400 VALIDATION_FAILED, other 4xx) says what to do, with no request id', () => {
    for (const error of [
      new ApiError('VALIDATION_FAILED', '填写的信息有误，请检查后再提交', 400, 'req-400'),
      new ApiError('NOTHING_TO_PAY', '所选人员本年度无需缴费', 409, 'req-409'),
    ]) {
      const n = notice(error)
      expect(n.get('[role="alert"]').text()).toBe(error.message)
      expect(n.text()).not.toContain(error.requestId)
      expect(n.find('details').exists()).toBe(false)
    }
  })

  it('a real failure (5xx, the bureau down) keeps the request id for the help line, behind 详情', async () => {
    const n = notice(new ApiError('UPSTREAM_TIMEOUT', '医保信息平台响应超时，请稍后再试', 504, 'req-504'))
    expect(n.get('p').text()).toBe('医保信息平台响应超时，请稍后再试')
    const details = n.get('details')
    expect(details.get('summary').text()).toBe('详情')
    expect(details.text()).toContain('如需帮助请提供编号 req-504')
    expect((details.element as HTMLDetailsElement).open).toBe(false)
  })

  it('a failure with no request id (the network) shows no 详情', () => {
    const n = notice(new ApiError('NETWORK', '网络连接失败，请检查网络后重试', 0))
    expect(n.find('details').exists()).toBe(false)
  })
})
