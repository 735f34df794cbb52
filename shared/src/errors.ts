/**
 * The single source of citizen-facing error text (zh-CN).
 * Every error reply of the BFF is `{ error: { code, message, requestId, fields? } }`,
 * where `message` comes from this table. Upstream wording never reaches the screen.
 */
export const ERROR_MESSAGES = {
  VALIDATION_FAILED: '填写的信息有误，请检查后再提交',
  MALFORMED_JSON: '提交的内容格式不正确，请刷新页面后重试',
  BODY_TOO_LARGE: '提交的内容过大，请精简后再提交',
  UNSUPPORTED_MEDIA_TYPE: '提交的内容类型不受支持',
  UNAUTHENTICATED: '登录已过期，请重新登录',
  FORBIDDEN: '您没有权限办理此项业务',
  CONSENT_REQUIRED: '请先阅读并同意用户协议和隐私政策（含敏感个人信息处理），同意后才能办理医保业务',
  CONSENT_VERSION_STALE: '用户协议和隐私政策已更新，请阅读新版本后再同意',
  CSRF_REJECTED: '页面已过期，请刷新后重试',
  OTP_INVALID: '验证码不正确或已过期，请重新获取',
  OTP_TOO_MANY_ATTEMPTS: '验证码错误次数过多，请重新获取',
  OTP_RESEND_TOO_SOON: '验证码已发送，请稍后再获取',
  BINDING_REQUIRED: '请先完成实名认证',
  WECHAT_SIGN_IN_STALE: '微信登录已超过10分钟，请重新从微信进入，或用手机号登录',
  IDENTITY_PHONE_MISMATCH: '该身份已绑定其他手机号，请使用原手机号验证，或携带身份证到窗口办理',
  PHONE_BOUND_ELSEWHERE: '该手机号已绑定其他参保人，请更换手机号后再认证；如该手机号是您本人的，请携带身份证到窗口办理',
  OAUTH_FAILED: '微信授权失败，请重新进入',
  FACE_VERIFICATION_REQUIRED: '为保护您的医保信息安全，请先完成人脸识别验证（本人刷脸）',
  FACE_CHECK_FAILED: '人脸识别未通过（活体检测未通过），请在光线充足处正对屏幕，按提示重新验证',
  FACE_NOT_SAME_PERSON: '人脸比对不一致：刷脸的不是所填身份证号码的本人，请本人重新验证',
  FACE_CHECK_PENDING: '人脸识别尚未完成或超时未返回结果，请重新验证',
  FACE_CHECK_EXPIRED: '人脸识别已超过有效期（10分钟），请重新验证',
  FACE_CHECK_USED: '该次人脸识别结果已使用过，请重新验证',
  FACE_CHECK_MISMATCH: '该次人脸识别不是为本次业务或本人办理的，请重新验证',
  RECOVERY_NOT_NEEDED: '该身份尚未绑定任何手机号，无需找回，请直接完成实名认证',
  RECOVERY_ALREADY_DONE: '该身份已绑定当前手机号，无需再次找回',
  RECOVERY_RECENTLY_DONE: '该身份的账号24小时内刚刚找回过，为保障安全，请本人携带身份证到医保服务窗口办理',
  RECOVERY_PHONE_REQUIRED: '请先用要绑定的手机号接收验证码登录，再刷脸找回',
  INVALID_CREDENTIALS: '用户名或密码不正确',
  ACCOUNT_LOCKED: '登录失败次数过多，账号已锁定，请{minutes}分钟后再试或联系管理员解锁',
  MFA_REQUIRED: '请先输入动态验证码完成登录',
  MFA_INVALID: '动态验证码不正确或已使用，请输入验证器中最新的验证码',
  ACCOUNT_DISABLED: '该账号已停用，请联系系统管理员',
  STAFF_NOT_FOUND: '没有该工作人员账号，或该账号不在您的管理区域内',
  STAFF_USERNAME_TAKEN: '该用户名已被使用，请换一个',
  STAFF_SELF_CHANGE: '不能在这里修改本人账号（角色、服务区域、停用、身份验证器），请由其他管理员办理',
  STAFF_REGION_NOT_OWN: '只能授予您本人服务区域内的区域',
  STAFF_REGION_UNKNOWN: '区域代码不是有效的行政区划代码，请核对',
  OUT_OF_REGION: '该人员的参保地不在您的服务区域内，不能为其办理业务',
  PHONE_NOT_REAL_NAME: '该手机号未实名登记在您名下。请使用本人实名登记的手机号，或携带身份证到医保服务窗口办理',
  FAMILY_LIMIT_REACHED: '最多可添加5位家庭成员，请先解除不再需要的绑定',
  FAMILY_ALREADY_LINKED: '该家庭成员已添加或正在等待对方同意',
  FAMILY_SELF: '不能添加本人为家庭成员',
  FAMILY_NOT_CONFIRMED: '户籍信息未显示该未成年人是您的子女或孙子女，请携带户口簿到窗口办理',
  EVOUCHER_INVALID: '无法识别该医保电子凭证二维码，请参保人刷新后重新出示',
  EVOUCHER_EXPIRED: '该医保电子凭证二维码已过期，请参保人刷新后重新出示',
  DESK_SUBJECT_EXPIRED: '扫码办理已超时，请让参保人重新出示医保电子凭证后再扫码',
  DESK_CONSENT_REQUIRED: '办理该业务须经参保人本人同意：请参保人出示医保码扫码，或读出发送到其手机的短信验证码',
  DESK_CONSENT_NO_PHONE: '该参保人没有登记手机号，不能发送短信验证码；请参保人出示医保码扫码确认',
  NOT_FOUND: '没有找到相关记录',
  SLIP_PDF_UNAVAILABLE: '暂时无法生成结算单PDF（服务器缺少中文字体），请使用页面上的“打印”，或稍后再试',
  RECEIPT_PDF_UNAVAILABLE: '暂时无法生成电子缴费凭证PDF（服务器缺少中文字体），请稍后再试，或用页面上的二维码核验凭证',
  RECEIPT_NOT_ISSUED: '该人员的这笔缴费尚未支付成功，还没有电子缴费凭证',
  ROUTE_NOT_FOUND: '您访问的功能不存在',
  METHOD_NOT_ALLOWED: '不支持该操作方式',
  RATE_LIMITED: '操作太频繁，请稍后再试',
  CONFLICT: '该业务正在处理中，请勿重复提交',
  WECHAT_REQUIRED: '请在微信中打开本页面完成支付，或选择扫码支付',
  NOTHING_TO_PAY: '所选人员本年度无需缴费（已缴费、由政府全额资助或不在缴费期），请核对后重新选择',
  ORDER_NOT_PAYABLE: '该订单已支付或已关闭，无法继续支付',
  ORDER_STREAMS_BUSY: '同时查看支付结果的页面过多，本页将定时刷新支付结果；如无需要请关闭其他页面',
  PERSON_IN_OPEN_ORDER: '{names}已在他人发起的一笔待支付订单中，请等该订单支付或关闭（最长30分钟）后再缴费，以免重复扣款',
  ANOMALY_ACTION_UNAVAILABLE: '该异常不能这样处理，请选择其他处理方式',
  ANOMALY_RESOLVED: '该异常已标记为已处理，请刷新列表',
  DAY_IN_FUTURE: '只能日结今天或之前的日期',
  DAY_NOT_CLOSED: '该日尚未日结，请先日结再对账或重开',
  DAY_BILL_NOT_READY: '微信支付交易账单次日10点后才生成，请稍后再对账',
  REFUND_NOT_REFUNDABLE: '该笔缴费尚未完成或已退费，不能申请退费',
  CROSS_REGION_REJECTED: '备案未成功：{reason}',
  CROSS_REGION_LOCKED: '以个人承诺方式办理的长期居住备案，自开始之日起6个月内不能变更或撤销',
  CROSS_REGION_NOT_ENROLLED: '未查询到有效的基本医疗保险参保信息，不能办理异地就医备案',
  CROSS_REGION_NOT_COVERED: '您{year}年度的医保费尚未缴纳（待缴费），暂不能办理异地就医备案；缴费后即可办理',
  CROSS_REGION_SUSPENDED: '您{year}年度为暂停参保状态，不能办理异地就医备案；请咨询参保地医保经办机构恢复参保',
  REFUND_NOT_YET_RECORDED: '这笔缴费正在同步到税务部门，请几分钟后再申请退费',
  REFUND_EXISTS: '该人员的这笔缴费已申请过退费，请在退费记录中查看进度',
  REFUND_BENEFIT_STARTED: '{year}年度待遇享受期已开始，不能以该原因退费',
  REFUND_DEATH_NOT_FOUND: '医保部门未查到参保人在待遇享受期开始前的死亡登记信息，请携带死亡证明到窗口办理',
  REFUND_EMPLOYEE_NOT_FOUND: '医保部门未查到该参保人的职工医保参保信息，请参加职工医保后再申请，或到窗口办理',
  REFUND_RECORD_NOT_FOUND: '税务部门未查到该笔缴费记录，请稍后再试或到窗口办理',
  REFUND_NO_OVERLAP: '医保部门未查到与{year}年度居民医保重叠整月的职工医保参保信息，不能以该原因退费',
  REFUND_NOT_FUNDED: '医保部门未查到参保人{year}年度的参保资助身份，或资助部分已在缴费时扣除，不能以该原因退费',
  IDEMPOTENCY_KEY_REQUIRED: '请求缺少防重复提交标识，请刷新页面后重试',
  IDEMPOTENCY_KEY_REUSED: '同一笔业务的提交内容不一致，请刷新页面后重新提交',
  IDEMPOTENCY_KEY_IN_USE: '该笔业务正在处理中，请稍候查看结果，请勿重复提交',
  PERSON_NOT_FOUND: '未查询到该人员的参保信息，请核对姓名和证件号码',
  CERTIFICATE_NOT_ENROLLED: '未查询到城乡居民基本医疗保险的参保缴费记录，不能出具参保证明',
  CERTIFICATE_PDF_UNAVAILABLE: '暂时无法生成参保证明PDF（服务器缺少中文字体），请稍后再试或到窗口办理',
  UPSTREAM_TIMEOUT: '{system}响应超时，请稍后再试',
  UPSTREAM_UNAVAILABLE: '{system}暂时无法访问，请稍后再试',
  UPSTREAM_BAD_RESPONSE: '{system}返回的数据异常，请稍后再试',
  UPSTREAM_REJECTED: '{system}未能受理本次业务，请稍后再试或到窗口办理',
  NOT_READY: '服务正在启动或暂不可用，请稍后再试',
  INTERNAL: '系统繁忙，请稍后再试',
} as const

export type ErrorCode = keyof typeof ERROR_MESSAGES

/** Upstream systems, with the name a resident knows them by. */
export const UPSTREAM_SYSTEM_NAMES = {
  nhsa: '医保信息平台',
  tax: '税务缴费系统',
  wechatpay: '微信支付',
  wechat: '微信',
  sms: '短信服务',
  carrier: '运营商实名核验服务',
  faceid: '人脸核身服务',
} as const

export type UpstreamSystem = keyof typeof UPSTREAM_SYSTEM_NAMES

/** The body of every error reply. */
export interface ApiErrorBody {
  error: {
    code: ErrorCode
    message: string
    requestId?: string
    /** Field path (e.g. `certNo`, `items.0.amount`) → Chinese message. */
    fields?: Record<string, string>
  }
}

/** Fill `{placeholders}` of a message template. */
export function formatErrorMessage(code: ErrorCode, params: Record<string, string> = {}): string {
  return ERROR_MESSAGES[code].replace(/\{(\w+)\}/g, (_, key: string) => params[key] ?? '')
}
