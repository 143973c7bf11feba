import type { Actor } from '../../playbook-kit';
import { verifyChain } from '../hash-chain';
import type { EventRecord } from '../types';
import type { UseCaseContext } from './context';

const PAGE = 1000;

/** Checks an incident's stored history against its hash chain and head. */
export function verify(ctx: UseCaseContext) {
  async function verifyIncident(incidentId: string, actor?: Actor) {
    const row = await ctx.loadIncident(incidentId, actor);
    const events: EventRecord[] = [];
    for (let after = 0; ; ) {
      const page = await ctx.store.listEvents(incidentId, after, PAGE);
      events.push(...page);
      if (page.length < PAGE) break;
      after = page[page.length - 1]!.seq;
    }
    return verifyChain(events, row.headHash, row.version);
  }

  return { verifyIncident };
}
