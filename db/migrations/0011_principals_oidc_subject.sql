ALTER TABLE "principals" ADD COLUMN "oidc_subject" text;--> statement-breakpoint
CREATE UNIQUE INDEX "principals_oidc_subject_idx" ON "principals" USING btree ("oidc_subject");