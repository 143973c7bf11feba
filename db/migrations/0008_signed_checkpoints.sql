CREATE TABLE "incident_checkpoints" (
	"incident_id" uuid NOT NULL,
	"seq" integer NOT NULL,
	"hash" text NOT NULL,
	"signed_at" timestamp(3) with time zone NOT NULL,
	"key_id" text NOT NULL,
	"signature" text NOT NULL,
	CONSTRAINT "incident_checkpoints_incident_id_seq_pk" PRIMARY KEY("incident_id","seq")
);
--> statement-breakpoint
ALTER TABLE "incident_checkpoints" ADD CONSTRAINT "incident_checkpoints_incident_id_incidents_id_fk" FOREIGN KEY ("incident_id") REFERENCES "public"."incidents"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
-- The history tables refuse every change but INSERT: UPDATE and DELETE row by row, and TRUNCATE, which
-- row triggers never see (it would erase every incident's history at once). Even the owner's app then
-- cannot erase; taking a trigger off needs ALTER TABLE, which only the owner can (db/roles.sql).
CREATE OR REPLACE FUNCTION holdfast_reject_history_change() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION '% is append-only: % is not allowed', TG_TABLE_NAME, TG_OP
    USING ERRCODE = 'restrict_violation';
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER incident_events_no_truncate
  BEFORE TRUNCATE ON incident_events
  FOR EACH STATEMENT EXECUTE FUNCTION holdfast_reject_history_change();
--> statement-breakpoint
CREATE TRIGGER incident_checkpoints_append_only
  BEFORE UPDATE OR DELETE ON incident_checkpoints
  FOR EACH ROW EXECUTE FUNCTION holdfast_reject_history_change();
--> statement-breakpoint
CREATE TRIGGER incident_checkpoints_no_truncate
  BEFORE TRUNCATE ON incident_checkpoints
  FOR EACH STATEMENT EXECUTE FUNCTION holdfast_reject_history_change();
