CREATE SEQUENCE "public"."incident_change_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1;--> statement-breakpoint
CREATE TABLE "exercises" (
	"id" uuid PRIMARY KEY NOT NULL,
	"scenario_id" text NOT NULL,
	"scenario" jsonb NOT NULL,
	"status" text NOT NULL,
	"started_at" timestamp(3) with time zone NOT NULL,
	"finished_at" timestamp(3) with time zone,
	"report" jsonb
);
--> statement-breakpoint
CREATE TABLE "incident_events" (
	"incident_id" uuid NOT NULL,
	"seq" integer NOT NULL,
	"type" text NOT NULL,
	"payload" jsonb NOT NULL,
	"actor" text NOT NULL,
	"source" text NOT NULL,
	"occurred_at" timestamp(3) with time zone NOT NULL,
	"recorded_at" timestamp(3) with time zone NOT NULL,
	"state_after" jsonb NOT NULL,
	"note" text,
	"idempotency_key" text,
	"request_hash" text,
	"prev_hash" text NOT NULL,
	"hash" text NOT NULL,
	CONSTRAINT "incident_events_incident_id_seq_pk" PRIMARY KEY("incident_id","seq")
);
--> statement-breakpoint
CREATE TABLE "incidents" (
	"id" uuid PRIMARY KEY NOT NULL,
	"playbook_id" text NOT NULL,
	"playbook_version" integer NOT NULL,
	"title" text NOT NULL,
	"severity" text NOT NULL,
	"mode" text NOT NULL,
	"exercise_id" uuid,
	"status" text NOT NULL,
	"state" jsonb NOT NULL,
	"snapshot" jsonb NOT NULL,
	"version" integer NOT NULL,
	"change_seq" bigint DEFAULT nextval('incident_change_seq') NOT NULL,
	"head_hash" text NOT NULL,
	"clock_now" timestamp(3) with time zone,
	"created_at" timestamp(3) with time zone NOT NULL,
	"updated_at" timestamp(3) with time zone NOT NULL,
	"closed_at" timestamp(3) with time zone
);
--> statement-breakpoint
CREATE TABLE "timers" (
	"incident_id" uuid NOT NULL,
	"timer_id" text NOT NULL,
	"event" jsonb NOT NULL,
	"label" text NOT NULL,
	"due_at" timestamp(3) with time zone NOT NULL,
	CONSTRAINT "timers_incident_id_timer_id_pk" PRIMARY KEY("incident_id","timer_id")
);
--> statement-breakpoint
CREATE TABLE "tokens" (
	"id" uuid PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"roles" text[] NOT NULL,
	"token_hash" text NOT NULL,
	"created_at" timestamp(3) with time zone DEFAULT now() NOT NULL,
	"revoked_at" timestamp(3) with time zone
);
--> statement-breakpoint
ALTER TABLE "incident_events" ADD CONSTRAINT "incident_events_incident_id_incidents_id_fk" FOREIGN KEY ("incident_id") REFERENCES "public"."incidents"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "timers" ADD CONSTRAINT "timers_incident_id_incidents_id_fk" FOREIGN KEY ("incident_id") REFERENCES "public"."incidents"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "incident_events_idempotency_idx" ON "incident_events" USING btree ("incident_id","idempotency_key") WHERE "incident_events"."idempotency_key" is not null;--> statement-breakpoint
CREATE INDEX "incidents_change_seq_idx" ON "incidents" USING btree ("change_seq");--> statement-breakpoint
CREATE INDEX "incidents_listing_idx" ON "incidents" USING btree ("mode","status","created_at");--> statement-breakpoint
CREATE INDEX "timers_due_at_idx" ON "timers" USING btree ("due_at");--> statement-breakpoint
CREATE UNIQUE INDEX "tokens_hash_idx" ON "tokens" USING btree ("token_hash");--> statement-breakpoint
CREATE UNIQUE INDEX "tokens_active_name_idx" ON "tokens" USING btree ("name") WHERE "tokens"."revoked_at" is null;