/**
 * 用户协议、隐私政策 and the separate consent to sensitive personal information (PIPL Art. 13, 14, 29, 30):
 * the texts a resident reads before the app processes their data, and the version the BFF records their
 * consent against. Server and web import the same version, so a consent is always to the text shown.
 *
 * Change a text → give it a new `CONSENT_VERSION` (the date it takes effect, `YYYY-MM-DD`): every resident is
 * asked again before the app processes their data (403 `CONSENT_REQUIRED` until then).
 */

// The version lives with the schemas (schemas/consent.ts), so the app's entry code never carries these texts.
export { CONSENT_VERSION, CONSENT_VERSION_RE } from './schemas/consent'

/** One section of a document: a heading and its paragraphs (plain text, shown as written). */
export interface ConsentSection {
  id: string
  title: string
  paragraphs: readonly string[]
}

/** A document the resident reads before agreeing. */
export interface ConsentDocument {
  id: 'terms' | 'privacy'
  title: string
  /** What the document is about, in one or two sentences (shown above its sections). */
  summary: string
  sections: readonly ConsentSection[]
}

const CONTACT = '如对本协议、本政策或您的个人信息有任何疑问、意见或投诉，请拨打医保服务热线 12393，'
  + '或到参保地医保经办服务窗口联系个人信息保护负责人；我们将在15个工作日内答复。'
  + '如您对答复不满意，可以向网信、医疗保障等主管部门投诉举报。'

/** 用户协议: what the app is, who may use it and how. */
export const TERMS_OF_SERVICE: ConsentDocument = {
  id: 'terms',
  title: '医保自助用户协议',
  summary: '本协议说明“医保自助”提供哪些服务、您如何登录和使用，以及您和我们各自的责任。请您仔细阅读。',
  sections: [
    {
      id: 'service',
      title: '一、我们提供什么服务',
      paragraphs: [
        '“医保自助”是城乡居民基本医疗保险的线上办事服务，由医保经办机构提供，可以办理：查询本人和家人的参保与待遇、'
        + '缴纳居民医保费、申请退费、办理异地就医备案、查看和核验结算单、出示医保电子凭证。',
        '医保业务以医疗保障信息平台和税务部门的记录为准。本应用显示的信息来自这些系统，如有不一致，'
        + '请以医保经办机构的核定结果为准。',
      ],
    },
    {
      id: 'account',
      title: '二、登录和实名认证',
      paragraphs: [
        '您可以用本人手机号和短信验证码登录，或在微信中一键登录。第一次使用须实名认证：填写姓名和身份证号，'
        + '由医保信息平台核对，并完成本人刷脸（人脸核身）。',
        '一个身份只能绑定一个手机号。请妥善保管手机和验证码，不要告诉他人。发现账号被他人使用，'
        + '请立即在“我的”中退出所有设备，并拨打12393或到窗口办理。',
      ],
    },
    {
      id: 'family',
      title: '三、为家人办理',
      paragraphs: [
        '您可以添加最多5位家庭成员。16周岁以下的子女按户籍关系添加；16周岁以上的家人须本人刷脸并在自己的账号中同意。',
        '为他人代缴医保费时，请确保已取得对方同意，填写的姓名和身份证号真实准确。',
      ],
    },
    {
      id: 'payment',
      title: '四、缴费和退费',
      paragraphs: [
        '应缴金额由税务部门核定，本应用不会自行改变金额。缴费通过微信支付完成，成功后由税务部门出具电子缴费凭证。',
        '退费按国家和地方政策审核，退回原支付账户。具体规则和可退金额在申请页面上列明。',
      ],
    },
    {
      id: 'duties',
      title: '五、您的责任和我们的责任',
      paragraphs: [
        '请您如实填写信息，不得冒用他人身份，不得干扰系统正常运行。',
        '我们按照法律法规保护您的个人信息和资金安全。因医保信息平台、税务系统或微信支付暂时无法访问而不能办理时，'
        + '页面会如实告诉您，您可以稍后再试或到窗口办理。',
      ],
    },
    {
      id: 'changes',
      title: '六、协议的变更和联系我们',
      paragraphs: [
        '本协议或隐私政策有重要变化时，我们会在您下次使用时请您重新阅读并同意，您同意之前不会按新内容处理您的信息。',
        CONTACT,
      ],
    },
  ],
}

/** 隐私政策: what is processed, why, how long, who receives it, and the resident's rights (PIPL Art. 17). */
export const PRIVACY_POLICY: ConsentDocument = {
  id: 'privacy',
  title: '医保自助隐私政策',
  summary: '本政策说明我们处理您哪些个人信息、为什么处理、保存多久、提供给谁，以及您如何查阅、更正、删除和撤回同意。',
  sections: [
    {
      id: 'what',
      title: '一、我们处理哪些信息',
      paragraphs: [
        '账号信息：手机号；在微信中登录时，微信分配给本应用的用户标识（openid），不含您的微信昵称和头像。',
        '身份信息：姓名、身份证号。身份证号加密保存，页面上只显示部分号码。',
        '参保和医疗信息：参保状态、缴费年度、待遇，结算单上的就诊机构、费用和报销金额，异地就医备案信息（就医地、居住地址等）。'
        + '这些信息从医疗保障信息平台读取，我们只为显示给您而短时保存最近一次结果。',
        '缴费信息：缴费订单、金额、微信支付交易单号、电子缴费凭证，退费时的退款账户信息。',
        '刷脸信息：人脸核身时由核身服务商采集和比对您的人脸，我们只保存核身结果，不保存人脸图像。',
        '访问记录：谁在什么时间查看或办理了您的信息，以及登录的设备类型。',
      ],
    },
    {
      id: 'why',
      title: '二、为什么处理',
      paragraphs: [
        '只为办理您要办的医保业务：确认您是本人、查询参保与待遇、缴费和退费、异地就医备案、出示医保电子凭证，'
        + '以及保障账号和资金安全、按规定留存记录。',
        '我们不会把您的信息用于广告或营销，不会出售您的信息，也不会用它评价您的信用。',
      ],
    },
    {
      id: 'retention',
      title: '三、保存多久',
      paragraphs: [
        '账号和身份信息：在您使用本应用期间保存；注销账号后30日内删除或匿名化。',
        '参保查询的最近结果：至多保存到您注销账号；医保部门保存的参保和就医记录不受本应用影响。',
        '缴费订单和电子缴费凭证：按财务和会计档案的有关规定期限保存。',
        '访问记录：为安全和追责保存3年，期满删除。',
      ],
    },
    {
      id: 'share',
      title: '四、提供给谁',
      paragraphs: [
        '医保部门（医疗保障信息平台和经办机构）：姓名、身份证号，用于实名核对、查询参保和待遇、办理异地就医备案和结算单核验。',
        '税务部门：缴费人员的姓名、身份证号和缴费金额，用于核定应缴金额、记录缴费和审核退费。',
        '微信支付（财付通）：订单号、金额和商品说明；在微信中支付时还有您的openid。不提供您的身份证号。',
        '为完成登录和核身，还会向短信服务商提供手机号，向电信运营商核验手机号是否登记在您名下（姓名、身份证号、手机号），'
        + '向人脸核身服务商提供姓名和身份证号。',
        '除以上情形和法律法规要求外，不向其他任何人提供。窗口工作人员为您办理业务时的查看，会记入您的访问记录。',
      ],
    },
    {
      id: 'rights',
      title: '五、您的权利',
      paragraphs: [
        '查阅和复制：在“我的”中查看您的资料和访问记录；需要副本可到窗口申请。',
        '更正：参保信息有误请到参保地医保经办机构更正；换绑手机号可刷脸找回或到窗口办理。',
        '删除和注销：可拨打12393或携带身份证到窗口申请注销账号并删除您的信息。',
        '撤回同意：可随时在“我的”中撤回同意。撤回后您将退出登录，本应用停止处理您的信息；'
        + '撤回不影响撤回前已经办理的业务，也不影响医保部门和税务部门依法保存的记录。',
        '为14周岁以下的子女办理时，您作为监护人同意本政策，代为行使上述权利。',
      ],
    },
    {
      id: 'security',
      title: '六、我们如何保护',
      paragraphs: [
        '身份证号和手机号加密保存；所有访问都有记录；工作人员只能查看其服务区域内的人员，且每次查看都会记录。',
        '发生个人信息安全事件时，我们会按规定及时告诉您并报告主管部门。',
      ],
    },
    {
      id: 'contact',
      title: '七、联系我们',
      paragraphs: [CONTACT],
    },
  ],
}

/** The documents in the order they are shown. */
export const CONSENT_DOCUMENTS: readonly ConsentDocument[] = [TERMS_OF_SERVICE, PRIVACY_POLICY]

/** One kind of sensitive personal information, why it is needed and what its processing may mean (PIPL Art. 30). */
export interface SensitiveItem {
  what: string
  why: string
  impact: string
}

/** The separate consent to sensitive personal information (PIPL Art. 29), asked on its own checkbox. */
export const SENSITIVE_CONSENT = {
  title: '敏感个人信息处理单独同意',
  intro: '办理医保业务必须处理以下敏感个人信息。根据《个人信息保护法》，我们单独请您同意：',
  items: [
    {
      what: '身份证号',
      why: '用于确认您是本人，并向医保部门、税务部门查询和办理您的参保、缴费业务。',
      impact: '身份证号一旦泄露，可能被他人冒用。我们加密保存，只在办理时使用，页面上只显示部分号码。',
    },
    {
      what: '医疗健康信息（参保和待遇、结算单、异地就医备案）',
      why: '用于向您显示您和家人的参保、待遇和就医结算情况，以及办理异地就医备案。',
      impact: '这些信息泄露可能让他人知道您的就医情况。只有您本人和您同意的家人能看到。',
    },
    {
      what: '金融账户和交易信息（缴费订单、支付和退款记录）',
      why: '用于缴纳医保费、开具电子缴费凭证、办理退费和核对账目。',
      impact: '这些信息泄露可能带来财产损失风险。我们不保存您的银行卡号和支付密码。',
    },
    {
      what: '人脸信息（仅在刷脸时）',
      why: '首次实名认证、找回账号、查看完整身份证号或添加16周岁以上家人时，确认是本人操作。',
      impact: '人脸由核身服务商比对，我们不保存人脸图像，只保存是否通过。',
    },
  ] satisfies SensitiveItem[],
  refusal: '如果您不同意，本应用将无法为您办理医保业务；您仍可拨打12393或到医保经办服务窗口办理。',
} as const
