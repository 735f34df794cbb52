/** What the person did on the simulator page; `timeout` (or nothing yet) leaves the check unfinished. */
export type SimFaceOutcome = 'pass' | 'live_fail' | 'not_same' | 'timeout'

/** One 人脸核身 started with DetectAuth. */
export interface SimFaceCheck {
  bizToken: string
  ruleId: string
  name: string
  certNo: string
  redirectUrl: string
  createdAt: Date
  outcome: SimFaceOutcome | null
  finishedAt: Date | null
}

/** The face-verification simulator's state: credentials it accepts and the checks it knows. */
export interface FaceIdState {
  secretId: string
  secretKey: string
  checks: Map<string, SimFaceCheck>
  /** How long a BizToken is valid (the provider's default: 7200 s). */
  tokenTtlMs: number
}

export function createFaceIdState(opts: Partial<Omit<FaceIdState, 'checks'>> = {}): FaceIdState {
  return {
    secretId: opts.secretId ?? 'AKIDsandboxfaceid',
    secretKey: opts.secretKey ?? 'sandbox-faceid-secret-key',
    checks: new Map(),
    tokenTtlMs: opts.tokenTtlMs ?? 7_200_000,
  }
}

/** ErrCode / ErrMsg of a finished check, as GetDetectInfoEnhanced reports it (Tencent 慧眼 codes). */
export const OUTCOME_WIRE = {
  pass: { ErrCode: 0, ErrMsg: '成功', LiveStatus: 0, LiveMsg: '成功', Comparestatus: 0, Comparemsg: '成功', Sim: '92.37' },
  live_fail: {
    ErrCode: 1004,
    ErrMsg: '人脸验证失败，请重试',
    LiveStatus: 1004,
    LiveMsg: '人脸验证失败，请重试',
    Comparestatus: null,
    Comparemsg: null,
    Sim: null,
  },
  not_same: {
    ErrCode: 2016,
    ErrMsg: '无法判断为同一人，请确认身份后重试（相似度未达到通过阈值）',
    LiveStatus: 0,
    LiveMsg: '成功',
    Comparestatus: 2016,
    Comparemsg: '无法判断为同一人',
    Sim: '41.06',
  },
} as const
