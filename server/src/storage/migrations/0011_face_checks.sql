CREATE TABLE "face_checks" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"session_id" text NOT NULL,
	"cert_ref" text NOT NULL,
	"purpose" text NOT NULL,
	"status" text NOT NULL,
	"provider" text NOT NULL,
	"biz_token" text NOT NULL,
	"return_path" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"result_at" timestamp with time zone,
	"consumed_at" timestamp with time zone,
	CONSTRAINT "face_checks_biz_token_unique" UNIQUE("biz_token")
);
--> statement-breakpoint
ALTER TABLE "resident_accounts" ADD COLUMN "recovered_at" timestamp with time zone;--> statement-breakpoint
CREATE INDEX "face_checks_session_idx" ON "face_checks" USING btree ("session_id","purpose","created_at");