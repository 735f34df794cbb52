import { mount } from '@vue/test-utils'
import { describe, expect, it } from 'vitest'
import { i18n } from '../i18n'
import FaceCheckStep from './FaceCheckStep.vue'

const mountStep = (props: InstanceType<typeof FaceCheckStep>['$props']) =>
  mount(FaceCheckStep, { props, global: { plugins: [i18n] } })

describe('faceCheckStep', () => {
  it('says why, names its group by its heading at the level asked, and asks to start', async () => {
    const step = mountStep({ why: '为确认是本人操作', headingLevel: 3 })
    const heading = step.get('h3')
    expect(heading.text()).toBe('人脸识别验证')
    expect(step.get('[data-testid="face-step"]').attributes('aria-labelledby')).toBe(heading.attributes('id'))
    expect(step.text()).toContain('为确认是本人操作')
    expect(step.find('[role="alert"]').exists()).toBe(false)
    expect(step.get('[data-testid="face-start"]').text()).toBe('开始人脸识别')
    await step.get('[data-testid="face-start"]').trigger('click')
    expect(step.emitted('start')).toHaveLength(1)
  })

  it('after a check that did not pass: says why in an alert and offers 重试', () => {
    const step = mountStep({ why: '为确认是本人操作', message: '人脸识别未通过' })
    expect(step.find('h2').exists()).toBe(true)
    expect(step.get('[role="alert"]').text()).toBe('人脸识别未通过')
    expect(step.get('[data-testid="face-start"]').text()).toBe('重试')
  })

  it('starts nothing while disabled', async () => {
    const step = mountStep({ why: '为确认是本人操作', disabled: true })
    await step.get('[data-testid="face-start"]').trigger('click')
    expect(step.emitted('start')).toBeUndefined()
  })
})
