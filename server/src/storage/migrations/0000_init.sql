CREATE TABLE "audit_events" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"actor_type" text NOT NULL,
	"actor_id" text NOT NULL,
	"actor_role" text,
	"subject_ref" text,
	"subject_masked" text,
	"channel" text NOT NULL,
	"action" text NOT NULL,
	"target" text,
	"success" boolean NOT NULL,
	"request_id" text,
	"client_ip" text,
	"detail" jsonb
);
--> statement-breakpoint
CREATE INDEX "audit_events_subject_at_idx" ON "audit_events" USING btree ("subject_ref","at");--> statement-breakpoint
CREATE INDEX "audit_events_at_idx" ON "audit_events" USING btree ("at");