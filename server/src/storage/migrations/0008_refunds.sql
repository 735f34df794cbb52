CREATE TABLE "premium_refunds" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"out_refund_no" text NOT NULL,
	"order_id" uuid NOT NULL,
	"line_id" uuid NOT NULL,
	"principal" text NOT NULL,
	"reason" text NOT NULL,
	"amount_fen" bigint NOT NULL,
	"status" text NOT NULL,
	"reject_code" text,
	"tax_refund_no" text,
	"wechat_refund_id" text,
	"received_account" text,
	"idempotency_key_id" bigint,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"succeeded_at" timestamp with time zone,
	CONSTRAINT "premium_refunds_out_refund_no_unique" UNIQUE("out_refund_no"),
	CONSTRAINT "premium_refunds_idempotency_key_id_unique" UNIQUE("idempotency_key_id")
);
--> statement-breakpoint
ALTER TABLE "premium_refunds" ADD CONSTRAINT "premium_refunds_order_id_premium_orders_id_fk" FOREIGN KEY ("order_id") REFERENCES "premium_orders"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "premium_refunds" ADD CONSTRAINT "premium_refunds_line_id_premium_order_lines_id_fk" FOREIGN KEY ("line_id") REFERENCES "premium_order_lines"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "premium_refunds_line_live_idx" ON "premium_refunds" USING btree ("line_id") WHERE status <> 'rejected';--> statement-breakpoint
CREATE INDEX "premium_refunds_principal_idx" ON "premium_refunds" USING btree ("principal","created_at");--> statement-breakpoint
CREATE INDEX "premium_refunds_status_idx" ON "premium_refunds" USING btree ("status","created_at");