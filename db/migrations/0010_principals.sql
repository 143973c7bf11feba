CREATE TABLE "principals" (
	"id" uuid PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"name_key" text NOT NULL,
	"kind" text NOT NULL,
	"created_at" timestamp(3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
DROP INDEX "tokens_active_name_idx";--> statement-breakpoint
ALTER TABLE "tokens" ADD COLUMN "principal_id" uuid;--> statement-breakpoint
CREATE UNIQUE INDEX "principals_name_key_idx" ON "principals" USING btree ("name_key");--> statement-breakpoint
-- One principal per existing name, compared as new names are (NFKC, lower case) and with the invisible
-- characters new names may not hold taken out: "dana", "Dana" and "dana<U+200B>" were one person's
-- tokens or an imitation, and either way may not be two people to a two-person rule. A principal takes the
-- id and the name of its earliest token, so the actor id that incidents already recorded for a name's only
-- token stays that principal's.
CREATE TEMPORARY TABLE "token_name_keys" AS
  SELECT "id", "name", "created_at",
    lower(normalize(regexp_replace("name", '[\x01-\x1F\x7F-\x9F\u00AD\u034F\u061C\u115F\u1160\u17B4\u17B5\u180B-\u180F\u200B-\u200F\u202A-\u202E\u2060-\u206F\u3164\uFE00-\uFE0F\uFEFF\uFFA0]', '', 'g'), NFKC)) AS "name_key"
  FROM "tokens";--> statement-breakpoint
INSERT INTO "principals" ("id", "name", "name_key", "kind", "created_at")
  SELECT DISTINCT ON ("name_key") "id", "name", "name_key", 'person', "created_at"
  FROM "token_name_keys" ORDER BY "name_key", "created_at", "id";--> statement-breakpoint
UPDATE "tokens" SET "principal_id" = "principals"."id", "name" = "principals"."name"
  FROM "token_name_keys", "principals"
  WHERE "token_name_keys"."id" = "tokens"."id" AND "principals"."name_key" = "token_name_keys"."name_key";--> statement-breakpoint
-- Open incidents' machines recorded who did what by token id: a principal's other tokens become its id,
-- so a two-person rule still counts the person who asked.
DO $$
DECLARE
  token record;
BEGIN
  FOR token IN SELECT "id", "principal_id" FROM "tokens" WHERE "id" <> "principal_id" LOOP
    UPDATE "incidents"
      SET "snapshot" = replace("snapshot"::text, token."id"::text, token."principal_id"::text)::jsonb
      WHERE "status" = 'open' AND strpos("snapshot"::text, token."id"::text) > 0;
  END LOOP;
END $$;--> statement-breakpoint
DROP TABLE "token_name_keys";--> statement-breakpoint
ALTER TABLE "tokens" ALTER COLUMN "principal_id" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "tokens" ADD CONSTRAINT "tokens_principal_id_principals_id_fk" FOREIGN KEY ("principal_id") REFERENCES "public"."principals"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "tokens_principal_idx" ON "tokens" USING btree ("principal_id");
