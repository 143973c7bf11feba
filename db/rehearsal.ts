import type { EventRecord, IncidentStore } from '../src/engine/types';
import { MemoryDatabase, MemoryIncidentStore } from './memory-store';

/** Events copied per query: reading a long log page by page lets the event loop go between pages. */
const PAGE = 250;

/**
 * An incident store in memory to rehearse writes in, holding a copy of incident `incidentId` of `source` (its
 * row, its events and its timers) when given. Nothing written to it ever reaches `source`.
 */
export async function rehearsalStore(
  source: IncidentStore,
  incidentId?: string,
): Promise<MemoryIncidentStore> {
  const data = new MemoryDatabase();
  const row = incidentId ? await source.getIncident(incidentId) : null;
  if (row) {
    const events: EventRecord[] = [];
    for (let page = await source.listEvents(row.id, 0, PAGE); ; ) {
      events.push(...page);
      if (page.length < PAGE) break;
      await new Promise((resolve) => setImmediate(resolve));
      page = await source.listEvents(row.id, page.at(-1)!.seq, PAGE);
    }
    data.incidents.set(row.id, row);
    data.events.set(row.id, events);
    const timers = data.timerTable(row.id);
    for (const timer of await source.listTimers(row.id)) {
      timers.set(timer.timerId, { ...timer, live: row.mode === 'live' });
    }
  }
  return new MemoryIncidentStore(data);
}
