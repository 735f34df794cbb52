CREATE TABLE "resident_consents" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"account_id" uuid NOT NULL,
	"action" text NOT NULL,
	"version" text NOT NULL,
	"general" boolean NOT NULL,
	"sensitive" boolean NOT NULL,
	"channel" text NOT NULL,
	"at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "resident_consents" ADD CONSTRAINT "resident_consents_account_id_resident_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "resident_accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "resident_consents_account_idx" ON "resident_consents" USING btree ("account_id","id");