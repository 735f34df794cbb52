CREATE TABLE "desk_day_closes" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"staff_id" uuid NOT NULL,
	"day" text NOT NULL,
	"status" text NOT NULL,
	"orders" jsonb NOT NULL,
	"count" integer NOT NULL,
	"total_fen" bigint NOT NULL,
	"closed_at" timestamp with time zone NOT NULL,
	"reopened_at" timestamp with time zone,
	"reopened_by" uuid,
	"reopen_reason" text,
	"reconcile_status" text,
	"reconciled_at" timestamp with time zone,
	"differences" jsonb
);
--> statement-breakpoint
ALTER TABLE "desk_day_closes" ADD CONSTRAINT "desk_day_closes_staff_id_staff_accounts_id_fk" FOREIGN KEY ("staff_id") REFERENCES "staff_accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "desk_day_closes" ADD CONSTRAINT "desk_day_closes_reopened_by_staff_accounts_id_fk" FOREIGN KEY ("reopened_by") REFERENCES "staff_accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "desk_day_closes_staff_day_idx" ON "desk_day_closes" USING btree ("staff_id","day");--> statement-breakpoint
CREATE INDEX "desk_day_closes_day_idx" ON "desk_day_closes" USING btree ("day");