import { z } from 'zod'

/**
 * Wire format of 号码百科 `ThreeElementsVerification` (dytnsapi, API version 2020-02-17), in Alibaba
 * Cloud's own field names. Sent as a signed RPC POST (form body); answered with JSON.
 *
 * @see https://help.aliyun.com/document_detail/433414.htm
 */
export const DYTNS_VERSION = '2020-02-17'
export const DYTNS_ACTION = 'ThreeElementsVerification'

/**
 * `Mask` says how the three elements are sent: `NORMAL` (plain), `MD5` or `SHA256` (lower-case hex of
 * the UTF-8 value). We always send SHA256, so no ID number, name or phone number leaves us in the clear.
 */
export type DytnsMask = 'NORMAL' | 'MD5' | 'SHA256'

/** Business parameters of one check (the common RPC parameters and the signature are added by the client). */
export interface ThreeElementsRequestWire {
  /** 授权码 of the approved tag in the 号码百科 console. */
  AuthCode: string
  /** The phone number to check (hashed per `Mask`). */
  InputNumber: string
  Mask: DytnsMask
  /** 身份证号 (hashed per `Mask`; an upper-case X before hashing). */
  CertCode: string
  /** 姓名 (hashed per `Mask`). */
  Name: string
}

/**
 * The reply. `Code` is `OK` when the carrier answered; otherwise an error code such as
 * `RequestFrequencyLimit` (the carrier refuses repeated checks of one number), `isv.*` or
 * `InvalidParameter`, with no `Data`.
 */
export const ThreeElementsReplyWire = z.object({
  Code: z.string(),
  Message: z.string().optional(),
  RequestId: z.string().optional(),
  Data: z.object({
    /**
     * 1: name, ID number and phone belong to one person (一致); 0: they do not (不一致);
     * 2: the carrier has no real-name record for the number (查无记录, not charged).
     */
    IsConsistent: z.coerce.number().int(),
    /** 基础运营商 of the number: 中国移动 / 中国联通 / 中国电信 (or their English names). */
    BasicCarrier: z.string().optional(),
  }).passthrough().optional(),
}).passthrough()
export type ThreeElementsReply = z.infer<typeof ThreeElementsReplyWire>
