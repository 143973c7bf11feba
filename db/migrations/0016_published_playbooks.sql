CREATE TABLE "published_playbooks" (
	"id" text NOT NULL,
	"version" integer NOT NULL,
	"content_hash" text NOT NULL,
	"source" text NOT NULL,
	"published_at" timestamp(3) with time zone NOT NULL,
	"published_by" text NOT NULL,
	CONSTRAINT "published_playbooks_id_version_pk" PRIMARY KEY("id","version")
);
