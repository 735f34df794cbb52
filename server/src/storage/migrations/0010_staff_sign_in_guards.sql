CREATE TABLE "sign_in_guards" (
	"account_ref" text NOT NULL,
	"source_ref" text NOT NULL,
	"failures" integer DEFAULT 0 NOT NULL,
	"locked_until" timestamp with time zone,
	"updated_at" timestamp with time zone NOT NULL,
	CONSTRAINT "sign_in_guards_account_ref_source_ref_pk" PRIMARY KEY("account_ref","source_ref")
);
--> statement-breakpoint
CREATE INDEX "sign_in_guards_updated_idx" ON "sign_in_guards" USING btree ("updated_at");--> statement-breakpoint
ALTER TABLE "staff_accounts" DROP COLUMN "failed_attempts";--> statement-breakpoint
ALTER TABLE "staff_accounts" DROP COLUMN "locked_until";