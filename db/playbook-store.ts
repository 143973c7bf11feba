import { and, asc, eq } from 'drizzle-orm';
import type { PlaybookStore, PublishedPlaybook } from '../src/engine/types';
import { type Db, iso } from './client';
import { publishedPlaybooks } from './schema';

const toPublished = (row: typeof publishedPlaybooks.$inferSelect): PublishedPlaybook => ({
  ...row,
  publishedAt: iso(row.publishedAt),
});

export class PgPlaybookStore implements PlaybookStore {
  constructor(private readonly db: Db) {}

  async publishPlaybook(row: PublishedPlaybook): Promise<{ stored: PublishedPlaybook; inserted: boolean }> {
    const inserted = await this.db
      .insert(publishedPlaybooks)
      .values(row)
      .onConflictDoNothing()
      .returning({ id: publishedPlaybooks.id });
    const stored = await this.getPublishedPlaybook(row.id, row.version);
    return { stored: stored!, inserted: inserted.length > 0 };
  }

  async getPublishedPlaybook(id: string, version: number): Promise<PublishedPlaybook | null> {
    const [row] = await this.db
      .select()
      .from(publishedPlaybooks)
      .where(and(eq(publishedPlaybooks.id, id), eq(publishedPlaybooks.version, version)));
    return row ? toPublished(row) : null;
  }

  async listPublishedPlaybooks(): Promise<Pick<PublishedPlaybook, 'id' | 'version' | 'contentHash'>[]> {
    return this.db
      .select({
        id: publishedPlaybooks.id,
        version: publishedPlaybooks.version,
        contentHash: publishedPlaybooks.contentHash,
      })
      .from(publishedPlaybooks)
      .orderBy(asc(publishedPlaybooks.id), asc(publishedPlaybooks.version));
  }
}
