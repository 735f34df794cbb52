CREATE TABLE "idempotency_keys" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"principal" text NOT NULL,
	"route" text NOT NULL,
	"key" text NOT NULL,
	"request_hash" text NOT NULL,
	"locked_at" timestamp with time zone,
	"recovery_point" text NOT NULL,
	"response_status" integer,
	"response_body" jsonb,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_run_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "outbox" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"topic" text NOT NULL,
	"dedupe_key" text NOT NULL,
	"payload" jsonb NOT NULL,
	"available_at" timestamp with time zone DEFAULT now() NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"locked_until" timestamp with time zone,
	"done_at" timestamp with time zone,
	"last_error" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "outbox_dedupe_key_unique" UNIQUE("dedupe_key")
);
--> statement-breakpoint
CREATE TABLE "payment_notifications" (
	"event_id" text PRIMARY KEY NOT NULL,
	"out_trade_no" text NOT NULL,
	"event_type" text NOT NULL,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "premium_order_lines" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"order_id" uuid NOT NULL,
	"person_cert_ref" text NOT NULL,
	"person_cert_no_enc" text NOT NULL,
	"person_name_masked" text NOT NULL,
	"region_code" text NOT NULL,
	"year" integer NOT NULL,
	"amount_fen" bigint NOT NULL,
	"status" text NOT NULL,
	"receipt_code" text,
	"receipt_issued_at" timestamp with time zone,
	"reported_at" timestamp with time zone,
	CONSTRAINT "premium_order_lines_receipt_code_unique" UNIQUE("receipt_code")
);
--> statement-breakpoint
CREATE TABLE "premium_orders" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"out_trade_no" text NOT NULL,
	"principal" text NOT NULL,
	"channel" text NOT NULL,
	"year" integer NOT NULL,
	"total_fen" bigint NOT NULL,
	"status" text NOT NULL,
	"description" text NOT NULL,
	"prepay_id" text,
	"code_url" text,
	"payer_openid" text,
	"time_expire" timestamp with time zone NOT NULL,
	"transaction_id" text,
	"paid_at" timestamp with time zone,
	"idempotency_key_id" bigint,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "premium_orders_out_trade_no_unique" UNIQUE("out_trade_no"),
	CONSTRAINT "premium_orders_idempotency_key_id_unique" UNIQUE("idempotency_key_id")
);
--> statement-breakpoint
ALTER TABLE "premium_order_lines" ADD CONSTRAINT "premium_order_lines_order_id_premium_orders_id_fk" FOREIGN KEY ("order_id") REFERENCES "premium_orders"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "idempotency_keys_principal_route_key_idx" ON "idempotency_keys" USING btree ("principal","route","key");--> statement-breakpoint
CREATE INDEX "idempotency_keys_created_idx" ON "idempotency_keys" USING btree ("created_at");--> statement-breakpoint
CREATE INDEX "outbox_pending_idx" ON "outbox" USING btree ("done_at","available_at");--> statement-breakpoint
CREATE INDEX "premium_order_lines_order_idx" ON "premium_order_lines" USING btree ("order_id");--> statement-breakpoint
CREATE INDEX "premium_order_lines_person_idx" ON "premium_order_lines" USING btree ("person_cert_ref","year");--> statement-breakpoint
CREATE INDEX "premium_orders_principal_idx" ON "premium_orders" USING btree ("principal","created_at");--> statement-breakpoint
CREATE INDEX "premium_orders_status_idx" ON "premium_orders" USING btree ("status","created_at");