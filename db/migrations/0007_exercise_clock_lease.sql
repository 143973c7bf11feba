ALTER TABLE "exercises" ADD COLUMN "clock_move_by" text;--> statement-breakpoint
ALTER TABLE "exercises" ADD COLUMN "clock_move_until" timestamp(3) with time zone;