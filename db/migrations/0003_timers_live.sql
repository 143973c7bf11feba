ALTER TABLE "timers" ADD COLUMN "live" boolean DEFAULT true NOT NULL;--> statement-breakpoint
CREATE INDEX "timers_live_due_at_idx" ON "timers" USING btree ("due_at") WHERE "timers"."live";--> statement-breakpoint
UPDATE "timers" SET "live" = false FROM "incidents" WHERE "incidents"."id" = "timers"."incident_id" AND "incidents"."mode" = 'exercise';