CREATE TABLE "exercise_refused_moves" (
	"id" uuid PRIMARY KEY NOT NULL,
	"exercise_id" uuid NOT NULL,
	"at" timestamp(3) with time zone NOT NULL,
	"actor" text NOT NULL,
	"event" text NOT NULL,
	"code" text NOT NULL,
	"reason" text NOT NULL,
	"recorded_at" timestamp(3) with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "exercise_refused_moves" ADD CONSTRAINT "exercise_refused_moves_exercise_id_exercises_id_fk" FOREIGN KEY ("exercise_id") REFERENCES "public"."exercises"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "exercise_refused_moves_exercise_idx" ON "exercise_refused_moves" USING btree ("exercise_id","at");