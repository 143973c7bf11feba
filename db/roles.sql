-- The least a `holdfast serve` role needs. Run as the role that owns the tables (the one that ran the
-- migrations), after every upgrade (it is idempotent):
--
--   psql "$OWNER_DATABASE_URL" -v app_role=holdfast_app -f db/roles.sql
--   # or: DATABASE_URL=$OWNER_DATABASE_URL npx holdfast db grant-app-role holdfast_app
--
-- Create the login role first (once, as a role that may create roles):
--   CREATE ROLE holdfast_app LOGIN PASSWORD '…';
--
-- The history tables take INSERT and SELECT only: no UPDATE, DELETE or TRUNCATE. Only a table's owner may
-- ALTER it (and so DISABLE TRIGGER), and this role owns nothing. A test fails if a table is missing here.

REVOKE ALL ON incidents, incident_events, incident_checkpoints, timers, tokens, principals, exercises,
  exercise_refused_moves, published_playbooks, outbox_messages, webhook_endpoints, webhook_deliveries,
  webhook_attempts FROM :"app_role";
GRANT USAGE ON SCHEMA public TO :"app_role";
GRANT SELECT, INSERT ON incident_events, incident_checkpoints, principals, exercise_refused_moves,
  published_playbooks TO :"app_role";
-- `principal link`: a principal's OpenID Connect subject, set once; names and kinds stay as they were made.
GRANT UPDATE (oidc_subject) ON principals TO :"app_role";
GRANT SELECT, INSERT, UPDATE ON incidents, tokens, exercises TO :"app_role";
GRANT SELECT, INSERT, UPDATE, DELETE ON timers TO :"app_role";
-- The outbox: messages are written with their events and marked fanned out; endpoints and their deliveries
-- are managed through the API (deleting an endpoint deletes its deliveries and attempts).
GRANT SELECT, INSERT, UPDATE ON outbox_messages TO :"app_role";
GRANT SELECT, INSERT, UPDATE, DELETE ON webhook_endpoints, webhook_deliveries, webhook_attempts TO :"app_role";
GRANT USAGE ON SEQUENCE incident_change_seq TO :"app_role";
-- `serve` checks that the migrations are applied (it applies none as this role).
GRANT USAGE ON SCHEMA drizzle TO :"app_role";
GRANT SELECT ON drizzle.__drizzle_migrations TO :"app_role";
