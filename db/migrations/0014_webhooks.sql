CREATE TABLE "outbox_messages" (
	"id" text PRIMARY KEY NOT NULL,
	"incident_id" uuid NOT NULL,
	"seq" integer NOT NULL,
	"type" text NOT NULL,
	"mode" text NOT NULL,
	"playbook_id" text NOT NULL,
	"severity" text NOT NULL,
	"data" jsonb NOT NULL,
	"details" jsonb,
	"created_at" timestamp(3) with time zone NOT NULL,
	"fanned_out" boolean DEFAULT false NOT NULL
);
--> statement-breakpoint
CREATE TABLE "webhook_attempts" (
	"message_id" text NOT NULL,
	"endpoint_id" uuid NOT NULL,
	"attempt" integer NOT NULL,
	"at" timestamp(3) with time zone NOT NULL,
	"status" integer,
	"error" text,
	"excerpt" text,
	"duration_ms" integer NOT NULL,
	CONSTRAINT "webhook_attempts_message_id_endpoint_id_attempt_pk" PRIMARY KEY("message_id","endpoint_id","attempt")
);
--> statement-breakpoint
CREATE TABLE "webhook_deliveries" (
	"message_id" text NOT NULL,
	"endpoint_id" uuid NOT NULL,
	"status" text NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"next_attempt_at" timestamp(3) with time zone NOT NULL,
	"lease_by" text,
	"lease_until" timestamp(3) with time zone,
	"last_status" integer,
	"last_error" text,
	"delivered_at" timestamp(3) with time zone,
	"created_at" timestamp(3) with time zone NOT NULL,
	CONSTRAINT "webhook_deliveries_message_id_endpoint_id_pk" PRIMARY KEY("message_id","endpoint_id")
);
--> statement-breakpoint
CREATE TABLE "webhook_endpoints" (
	"id" uuid PRIMARY KEY NOT NULL,
	"url" text NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"filters" jsonb NOT NULL,
	"format" text NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	"disabled_reason" text,
	"include_details" boolean DEFAULT false NOT NULL,
	"secrets" jsonb NOT NULL,
	"failing_since" timestamp(3) with time zone,
	"created_at" timestamp(3) with time zone NOT NULL,
	"updated_at" timestamp(3) with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "outbox_messages" ADD CONSTRAINT "outbox_messages_incident_id_incidents_id_fk" FOREIGN KEY ("incident_id") REFERENCES "public"."incidents"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "webhook_deliveries" ADD CONSTRAINT "webhook_deliveries_message_id_outbox_messages_id_fk" FOREIGN KEY ("message_id") REFERENCES "public"."outbox_messages"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "webhook_deliveries" ADD CONSTRAINT "webhook_deliveries_endpoint_id_webhook_endpoints_id_fk" FOREIGN KEY ("endpoint_id") REFERENCES "public"."webhook_endpoints"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "outbox_messages_waiting_idx" ON "outbox_messages" USING btree ("created_at") WHERE not "outbox_messages"."fanned_out";--> statement-breakpoint
CREATE INDEX "outbox_messages_incident_idx" ON "outbox_messages" USING btree ("incident_id","seq");--> statement-breakpoint
CREATE INDEX "webhook_deliveries_due_idx" ON "webhook_deliveries" USING btree ("next_attempt_at") WHERE "webhook_deliveries"."status" = 'pending';--> statement-breakpoint
CREATE INDEX "webhook_deliveries_endpoint_idx" ON "webhook_deliveries" USING btree ("endpoint_id","status");