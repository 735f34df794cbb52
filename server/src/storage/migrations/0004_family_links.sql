CREATE TABLE "family_links" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"owner_account_id" uuid NOT NULL,
	"member_cert_ref" text NOT NULL,
	"member_cert_no_enc" text NOT NULL,
	"member_name_masked" text NOT NULL,
	"relation" text NOT NULL,
	"status" text NOT NULL,
	"consent_method" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"activated_at" timestamp with time zone,
	"ended_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "family_links" ADD CONSTRAINT "family_links_owner_account_id_resident_accounts_id_fk" FOREIGN KEY ("owner_account_id") REFERENCES "resident_accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "family_links_owner_idx" ON "family_links" USING btree ("owner_account_id","status");--> statement-breakpoint
CREATE INDEX "family_links_member_idx" ON "family_links" USING btree ("member_cert_ref","status");