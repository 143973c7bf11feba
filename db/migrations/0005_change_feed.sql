ALTER TABLE "incident_events" ADD COLUMN "change_xid" bigint DEFAULT pg_current_xact_id()::text::bigint NOT NULL;--> statement-breakpoint
ALTER TABLE "incident_events" ADD COLUMN "change_seq" bigint DEFAULT nextval('incident_change_seq') NOT NULL;--> statement-breakpoint
ALTER TABLE "incidents" ADD COLUMN "change_xid" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
CREATE INDEX "incident_events_change_idx" ON "incident_events" USING btree ("change_xid","change_seq");--> statement-breakpoint
CREATE INDEX "incidents_change_xid_idx" ON "incidents" USING btree ("change_xid");--> statement-breakpoint
-- Every write to an incident stamps the writing transaction: `?since` and the streams read only rows
-- of transactions older than every transaction still running, so a slow writer is never skipped.
CREATE OR REPLACE FUNCTION holdfast_stamp_incident_change() RETURNS trigger AS $$
BEGIN
  NEW.change_xid := pg_current_xact_id()::text::bigint;
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER incidents_stamp_change
  BEFORE INSERT OR UPDATE ON incidents
  FOR EACH ROW EXECUTE FUNCTION holdfast_stamp_incident_change();
--> statement-breakpoint
-- Every committed write to an incident is announced on `holdfast_changes` (delivered at commit to every
-- listening instance): the version caches and the streams listen.
CREATE OR REPLACE FUNCTION holdfast_announce_incident_change() RETURNS trigger AS $$
BEGIN
  PERFORM pg_notify('holdfast_changes', json_build_object(
    'id', NEW.id, 'version', NEW.version, 'changeSeq', NEW.change_seq, 'xid', NEW.change_xid,
    'mode', NEW.mode, 'status', NEW.status
  )::text);
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER incidents_announce_change
  AFTER INSERT OR UPDATE ON incidents
  FOR EACH ROW EXECUTE FUNCTION holdfast_announce_incident_change();
--> statement-breakpoint
-- A revoked token is dropped from every instance's token cache at once.
CREATE OR REPLACE FUNCTION holdfast_announce_token_change() RETURNS trigger AS $$
BEGIN
  PERFORM pg_notify('holdfast_tokens', NEW.token_hash);
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER tokens_announce_change
  AFTER UPDATE ON tokens
  FOR EACH ROW EXECUTE FUNCTION holdfast_announce_token_change();
