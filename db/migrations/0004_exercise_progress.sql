ALTER TABLE "exercises" ADD COLUMN "scenario_hash" text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE "exercises" ADD COLUMN "incident_id" uuid;--> statement-breakpoint
ALTER TABLE "exercises" ADD COLUMN "fired_injects" jsonb DEFAULT '[]'::jsonb NOT NULL;