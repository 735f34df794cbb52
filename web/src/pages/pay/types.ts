import type { InferResponseType } from 'hono/client'
import type { api } from '../../api/client'

/** Types of the payment API as the BFF returns them (from the server's routes, no copy by hand). */
export type QuoteView = InferResponseType<typeof api.api.v1.payments.quotes.$post, 200>
export type QuoteLine = QuoteView['lines'][number]
export type CreatedOrder = InferResponseType<typeof api.api.v1.payments.orders.$post, 201>
export type JsapiParams = NonNullable<CreatedOrder['jsapi']>
export type OrderView = InferResponseType<(typeof api.api.v1.payments.orders)[':id']['$get'], 200>
export type OrderLine = OrderView['lines'][number]
export type ReceiptView = InferResponseType<(typeof api.api.v1.receipts)[':code']['$get'], 200>

/** One person of a paid order, as 电子缴费凭证 shows them. */
export type ReceiptLine = Pick<OrderLine, 'name' | 'certNo' | 'amountFen' | 'status' | 'receiptCode' | 'refund'>
