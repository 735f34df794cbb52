import type { Prng } from '../lib/prng'

/** Name pools for synthetic residents. Given names follow the fashion of the birth decade. */

const SURNAMES = ['王', '李', '张', '刘', '陈', '杨', '赵', '黄', '周', '吴', '徐', '孙', '胡', '朱', '高', '林', '何', '郭', '马', '罗', '梁', '宋', '郑', '谢', '韩', '唐', '冯', '于', '董', '程', '曹', '袁', '邓', '许', '沈', '彭', '吕', '苏', '蒋', '蔡', '魏', '薛', '田', '任', '姜', '范', '石', '姚', '崔', '孟'] as const

/** Surnames frequent among the Miao, Dong, Shui and Buyei of the Guizhou counties. */
const GUIZHOU_SURNAMES = ['杨', '吴', '龙', '潘', '石', '韦', '蒙', '王', '李', '罗', '陆', '欧'] as const

const GIVEN = {
  male: {
    old: ['建国', '国华', '德明', '永福', '春生', '振华', '有才', '保国', '长海', '树林', '金山', '玉堂'],
    mid: ['志强', '伟', '磊', '军', '勇', '杰', '涛', '明', '海涛', '建军', '立新', '鹏', '光辉', '文斌'],
    young: ['子轩', '浩然', '宇轩', '梓豪', '俊杰', '文博', '天佑', '家豪', '晨阳', '思远', '一鸣', '沐阳'],
  },
  female: {
    old: ['秀英', '桂英', '玉兰', '秀兰', '凤英', '桂芳', '玉珍', '淑珍', '翠花', '秀珍', '素芳', '玉梅'],
    mid: ['丽', '静', '敏', '燕', '艳', '娟', '霞', '芳', '丽华', '晓燕', '美玲', '春梅', '红梅', '秀娟'],
    young: ['梓涵', '欣怡', '诗涵', '雨欣', '佳怡', '一诺', '思琪', '紫萱', '可馨', '语桐', '梦瑶', '若曦'],
  },
} as const

/** A surname suited to the province (Guizhou counties use their own pool). */
export function pickSurname(rng: Prng, provinceName: string): string {
  return provinceName === '贵州省' && rng.chance(0.7) ? rng.pick(GUIZHOU_SURNAMES) : rng.pick(SURNAMES)
}

/** A given name for the sex and birth year. */
export function pickGivenName(rng: Prng, sex: 'male' | 'female', birthYear: number): string {
  const era = birthYear < 1965 ? 'old' : birthYear < 2000 ? 'mid' : 'young'
  return rng.pick(GIVEN[sex][era])
}

const MOBILE_PREFIXES = ['134', '135', '138', '139', '150', '151', '158', '177', '182', '186', '187', '189', '199'] as const

/** A mobile number `1xxxxxxxxxx` not yet in `used`. */
export function pickMobile(rng: Prng, used: Set<string>): string {
  for (;;) {
    const mobile = `${rng.pick(MOBILE_PREFIXES)}${String(rng.int(0, 99_999_999)).padStart(8, '0')}`
    if (!used.has(mobile)) {
      used.add(mobile)
      return mobile
    }
  }
}

const VILLAGES = ['新村', '东村', '西庄', '南苑社区', '幸福里', '和平村', '河东村', '北关社区', '柳湾村', '石桥村'] as const

/** A street address inside a town. */
export function pickAddressTail(rng: Prng): string {
  return `${rng.pick(VILLAGES)}${rng.int(1, 120)}号`
}
