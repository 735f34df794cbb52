CREATE TABLE "coverage_cache" (
	"cert_ref" text PRIMARY KEY NOT NULL,
	"payload_enc" text NOT NULL,
	"as_of" timestamp with time zone NOT NULL
);
