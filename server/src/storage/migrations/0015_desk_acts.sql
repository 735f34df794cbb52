CREATE TABLE "desk_acts" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"kind" text NOT NULL,
	"target" text NOT NULL,
	"subject_ref" text NOT NULL,
	"staff_id" uuid NOT NULL,
	"hall_region" text NOT NULL,
	"consent" text NOT NULL,
	"at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "desk_acts" ADD CONSTRAINT "desk_acts_staff_id_staff_accounts_id_fk" FOREIGN KEY ("staff_id") REFERENCES "staff_accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "desk_acts_kind_target_idx" ON "desk_acts" USING btree ("kind","target");--> statement-breakpoint
CREATE INDEX "desk_acts_target_idx" ON "desk_acts" USING btree ("target");--> statement-breakpoint
CREATE INDEX "desk_acts_subject_idx" ON "desk_acts" USING btree ("subject_ref","at");