CREATE TABLE "staff_accounts" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"username" text NOT NULL,
	"display_name" text NOT NULL,
	"role" text NOT NULL,
	"region_codes" text[] DEFAULT '{}'::text[] NOT NULL,
	"password_hash" text NOT NULL,
	"totp_secret_enc" text,
	"totp_enrolled" boolean DEFAULT false NOT NULL,
	"totp_last_step" integer,
	"failed_attempts" integer DEFAULT 0 NOT NULL,
	"locked_until" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "staff_accounts_username_unique" UNIQUE("username")
);
--> statement-breakpoint
ALTER TABLE "audit_events" ADD COLUMN "subject_region" text;--> statement-breakpoint
CREATE INDEX "audit_events_region_at_idx" ON "audit_events" USING btree ("subject_region","at");