import { describe, expect, it } from 'vitest'
import { areaName, PICKER_AREAS } from './area'

describe('就医地 names', () => {
  it('names a city by its province and city, a 直辖市 once, a county by its city', () => {
    expect(areaName('370200')).toBe('山东省 青岛市')
    expect(areaName('370212')).toBe('山东省 青岛市')
    expect(areaName('440306')).toBe('广东省 深圳市')
    expect(areaName('110105')).toBe('北京市')
    expect(areaName('500103')).toBe('重庆市')
    expect(areaName('460203')).toBe('海南省 三亚市')
  })

  it('names the 省直辖县级市 by themselves, and shows an unknown code as it is', () => {
    expect(areaName('429004')).toBe('湖北省 仙桃市')
    expect(areaName('429000')).toBe('湖北省 仙桃市、潜江市、天门市等')
    expect(areaName('999999')).toBe('999999')
  })

  it('offers provinces and cities inside the network only, with groupings named by their places', () => {
    expect(PICKER_AREAS.province_list['370000']).toBe('山东省')
    expect(PICKER_AREAS.province_list['810000']).toBeUndefined()
    expect(PICKER_AREAS.city_list['710100']).toBeUndefined()
    expect(PICKER_AREAS.city_list['419000']).toBe('济源市')
    expect(PICKER_AREAS.city_list['370500']).toBe('东营市')
    expect(PICKER_AREAS.county_list).toEqual({})
  })
})
