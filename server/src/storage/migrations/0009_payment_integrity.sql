CREATE TABLE "payment_anomalies" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"kind" text NOT NULL,
	"dedupe_key" text NOT NULL,
	"status" text DEFAULT 'open' NOT NULL,
	"order_id" uuid,
	"line_id" uuid,
	"refund_id" uuid,
	"outbox_id" bigint,
	"region_code" text,
	"detail" jsonb NOT NULL,
	"actions" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"resolved_at" timestamp with time zone,
	"resolved_by" text,
	"resolution" text,
	CONSTRAINT "payment_anomalies_dedupe_key_unique" UNIQUE("dedupe_key")
);
--> statement-breakpoint
ALTER TABLE "outbox" ADD COLUMN "dead_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "payment_anomalies" ADD CONSTRAINT "payment_anomalies_order_id_premium_orders_id_fk" FOREIGN KEY ("order_id") REFERENCES "premium_orders"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "payment_anomalies" ADD CONSTRAINT "payment_anomalies_line_id_premium_order_lines_id_fk" FOREIGN KEY ("line_id") REFERENCES "premium_order_lines"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "payment_anomalies" ADD CONSTRAINT "payment_anomalies_refund_id_premium_refunds_id_fk" FOREIGN KEY ("refund_id") REFERENCES "premium_refunds"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "payment_anomalies_status_idx" ON "payment_anomalies" USING btree ("status","region_code","created_at");--> statement-breakpoint
CREATE INDEX "payment_anomalies_order_idx" ON "payment_anomalies" USING btree ("order_id");--> statement-breakpoint
-- Before one person-year could hold only one live line: lines of orders that are no longer open are void;
-- among several live lines of one person-year the reported (else the earliest paid, else the earliest) keeps
-- it, a later paid one is a duplicate (an anomaly to refund), a later pending one void.
UPDATE "premium_order_lines" l SET "status" = 'void' FROM "premium_orders" o
  WHERE o."id" = l."order_id" AND l."status" = 'pending' AND o."status" NOT IN ('created', 'prepaid');--> statement-breakpoint
UPDATE "premium_order_lines" l SET "status" = CASE WHEN l."status" = 'pending' THEN 'void' ELSE 'duplicate' END
  FROM (
    SELECT l2."id", row_number() OVER (
      PARTITION BY l2."person_cert_ref", l2."year"
      ORDER BY (l2."status" = 'reported') DESC, (l2."status" = 'paid') DESC, o2."paid_at" NULLS LAST, o2."created_at"
    ) AS rn
    FROM "premium_order_lines" l2 JOIN "premium_orders" o2 ON o2."id" = l2."order_id"
    WHERE l2."status" IN ('pending', 'paid', 'reported')
  ) r
  WHERE r."id" = l."id" AND r.rn > 1;--> statement-breakpoint
INSERT INTO "payment_anomalies" ("kind", "dedupe_key", "order_id", "line_id", "region_code", "detail")
  SELECT 'duplicate_payment', 'duplicate_payment:' || "id", "order_id", "id", "region_code",
    '{"source": "migration 0009: paid twice before the one-live-line rule"}'::jsonb
  FROM "premium_order_lines" WHERE "status" = 'duplicate';--> statement-breakpoint
CREATE UNIQUE INDEX "premium_order_lines_person_year_live_idx" ON "premium_order_lines" USING btree ("person_cert_ref","year") WHERE status in ('pending', 'paid', 'reported');