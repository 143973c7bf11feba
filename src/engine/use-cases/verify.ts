import type { Actor } from '../../playbook-kit';
import { type SealedVerdict, sealedVerdict, wholeLog } from '../audit';
import type { UseCaseContext } from './context';

/**
 * Checks an incident's stored history: its hash chain and head, and its latest signed checkpoint against the
 * keys this server trusts (the database holds no key, so rewriting the rows cannot re-sign them).
 */
export function verify(ctx: UseCaseContext) {
  async function verifyIncident(incidentId: string, actor?: Actor): Promise<SealedVerdict> {
    const row = await ctx.loadIncident(incidentId, actor);
    const [events, checkpoints] = await Promise.all([
      wholeLog(ctx.store, incidentId),
      ctx.store.listCheckpoints(incidentId),
    ]);
    return sealedVerdict(events, row, checkpoints, ctx.deps.keyring.publicKeys(), 'latest');
  }

  return { verifyIncident };
}
