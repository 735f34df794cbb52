// The sign-in form's checks: zod and the shared schemas. The page imports them on first use (or when the person
// first touches the form), not with the page: /login's first screen does not parse and run ~90 KiB of zod.
export { BindInputSchema, PhoneLoginInputSchema, SmsCodeRequestSchema } from '@yibao/shared'
export { parseFields } from '../../api/form-rules'
