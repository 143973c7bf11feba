-- incident_events is the tamper-evident history: rows are appended, never changed or removed.
CREATE OR REPLACE FUNCTION holdfast_reject_event_change() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'incident_events is append-only: % is not allowed', TG_OP
    USING ERRCODE = 'restrict_violation';
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER incident_events_append_only
  BEFORE UPDATE OR DELETE ON incident_events
  FOR EACH ROW EXECUTE FUNCTION holdfast_reject_event_change();
