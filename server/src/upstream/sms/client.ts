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

export function createSmsClient(opts: SmsClientOptions) {
  return {
    /** Sends a one-time code with the login/bind template. */
    async sendCode(phone: string, code: string, logger: Logger = opts.logger): Promise<void> {
      const raw = await callJson({
        system: 'sms',
        url: new URL('/sms/send', opts.baseUrl).toString(),
        operation: 'SendSms',
        timeoutMs: opts.timeoutMs,
        logger,
        body: { PhoneNumbers: phone, SignName: opts.signName, TemplateCode: 'SMS_YIBAO_OTP', TemplateParam: JSON.stringify({ code }) },
      })
      const reply = SendSmsReplyWire.safeParse(raw)
      if (!reply.success) throw new UpstreamError('sms', 'bad_response', { cause: reply.error })
      if (reply.data.Code !== 'OK') throw new UpstreamError('sms', 'rejected', { upstreamCode: reply.data.Code, upstreamMessage: reply.data.Message })
    },
  }
}

export type SmsClient = ReturnType<typeof createSmsClient>
