import { LRUCache } from 'lru-cache';
import type { IncidentRow } from './types';

/**
 * Incidents as this instance last wrote them, so a write can skip reading the incident first. Only ever a
 * guess: a write on a cached row commits only if the stored version and change_seq still match it.
 */
export class WriteCache {
  private readonly rows: LRUCache<string, IncidentRow> | null;

  constructor(size: number) {
    this.rows = size > 0 ? new LRUCache({ max: size }) : null;
  }

  get(id: string): IncidentRow | undefined {
    return this.rows?.get(id);
  }

  remember(row: IncidentRow): IncidentRow {
    if (row.status === 'closed') this.rows?.delete(row.id);
    else this.rows?.set(row.id, row);
    return row;
  }

  forget(id: string): void {
    this.rows?.delete(id);
  }
}
