CREATE TABLE "certificates" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"code" text NOT NULL,
	"subject_ref" text NOT NULL,
	"name_masked" text NOT NULL,
	"cert_no_masked" text NOT NULL,
	"region_code" text NOT NULL,
	"years" jsonb NOT NULL,
	"issuer" text NOT NULL,
	"channel" text NOT NULL,
	"issued_at" timestamp with time zone NOT NULL,
	"valid_until" text NOT NULL,
	CONSTRAINT "certificates_code_unique" UNIQUE("code")
);
--> statement-breakpoint
CREATE INDEX "certificates_subject_idx" ON "certificates" USING btree ("subject_ref","issued_at");