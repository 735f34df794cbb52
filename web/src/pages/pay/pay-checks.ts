// The 为他人代缴 form's checks: zod and the shared schemas. The page imports them on first use (or when the payer
// first touches that form), not with the page: /pay's first screen does not parse and run ~90 KiB of zod.
import { IdCardNoSchema, PersonNameSchema } from '@yibao/shared'
import { z } from 'zod'

export { parseFields } from '../../api/form-rules'

/** Someone else to pay for: a name and a valid ID number. */
export const OtherSchema = z.object({ name: PersonNameSchema, certNo: IdCardNoSchema })
