ALTER TABLE "incidents" ADD COLUMN "last_occurred_at" timestamp(3) with time zone;--> statement-breakpoint
UPDATE "incidents" SET "last_occurred_at" = (
  SELECT max("occurred_at") FROM "incident_events" WHERE "incident_events"."incident_id" = "incidents"."id"
);
