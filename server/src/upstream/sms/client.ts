import type { Logger } from '../../lib/logger'
import { z } from 'zod'
import { UpstreamError } from '../../lib/errors'
import { callJson } from '../http'

/**
 * SMS gateway adapter, in the shape of Aliyun Dysms `SendSms` (PhoneNumbers, TemplateCode,
 * TemplateParam → Code, Message, BizId, RequestId). The sandbox implements the same endpoint.
 */
const SendSmsReplyWire = z.object({
  Code: z.string(),
  Message: z.string().optional(),
  BizId: z.string().optional(),
  RequestId: z.string().optional(),
})

export interface SmsClientOptions {
  baseUrl: string
  timeoutMs: number
  signName: string
  logger: Logger
}

/**
 * Notice templates (no code): the account was moved to another phone by a recovery. `tail` is the last four
 * digits of the other phone, `via` 刷脸找回 or 窗口办理; never a full number or an ID number.
 */
export type SmsNoticeTemplate = 'SMS_YIBAO_ACCOUNT_MOVED_AWAY' | 'SMS_YIBAO_ACCOUNT_MOVED_HERE'

export function createSmsClient(opts: SmsClientOptions) {
  async function send(phone: string, template: string, params: Record<string, string>, logger: Logger) {
    const raw = await callJson({
      system: 'sms',
      url: new URL('/sms/send', opts.baseUrl).toString(),
      operation: 'SendSms',
      timeoutMs: opts.timeoutMs,
      logger,
      body: {
        PhoneNumbers: phone,
        SignName: opts.signName,
        TemplateCode: template,
        TemplateParam: JSON.stringify(params),
      },
    })
    const reply = SendSmsReplyWire.safeParse(raw)
    if (!reply.success) throw new UpstreamError('sms', 'bad_response', { cause: reply.error })
    if (reply.data.Code !== 'OK') {
      const detail = { upstreamCode: reply.data.Code, upstreamMessage: reply.data.Message }
      throw new UpstreamError('sms', 'rejected', detail)
    }
  }
  return {
    /** Sends a one-time code with the login/bind template. */
    async sendCode(phone: string, code: string, logger: Logger = opts.logger): Promise<void> {
      await send(phone, 'SMS_YIBAO_OTP', { code }, logger)
    },
    /** Sends a notice (see `SmsNoticeTemplate`). */
    async sendNotice(phone: string, template: SmsNoticeTemplate, params: { tail: string, via: string },
      logger: Logger = opts.logger): Promise<void> {
      await send(phone, template, params, logger)
    },
  }
}

export type SmsClient = ReturnType<typeof createSmsClient>
