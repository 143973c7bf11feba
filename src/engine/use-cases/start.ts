import type { Actor } from '../../playbook-kit';
import { open } from '../kernel';
import type { IncidentMode } from '../types';
import type { UseCaseContext } from './context';
import type { IncidentView, views } from './views';

export interface StartIncidentCommand {
  playbookId: string;
  /** Default: the latest version. */
  playbookVersion?: number;
  title: string;
  severity?: string;
  input?: unknown;
  actor: Actor;
  mode?: IncidentMode;
  /** Exercise incidents: the virtual time they open at (default: now). */
  clockStart?: string;
  /** Exercise incidents: the exercise they belong to. */
  exerciseId?: string;
}

/** Opening an incident: the kernel's opening, stored with its first event and timers. */
export function start(ctx: UseCaseContext, { incidentView }: ReturnType<typeof views>) {
  async function startIncident(
    command: StartIncidentCommand,
    callerRoles: readonly string[],
  ): Promise<IncidentView> {
    await ctx.registry.ensure(command.playbookId, command.playbookVersion);
    const definition = ctx.registry.get(command.playbookId, command.playbookVersion);
    const mode = command.mode ?? 'live';
    const recordedAt = ctx.wallNow();
    const write = ctx.withReminders(
      open(
        definition,
        {
          id: ctx.deps.newId(),
          title: command.title,
          severity: command.severity,
          input: command.input,
          actor: command.actor,
          mode,
          exerciseId: command.exerciseId ?? null,
          at:
            mode === 'exercise' && command.clockStart
              ? new Date(command.clockStart).toISOString()
              : recordedAt,
          recordedAt,
        },
        ctx.limits,
      ),
    );
    const changeSeq = await ctx.store.insertIncident({
      ...write,
      checkpoint: ctx.seal(write.incident),
      outbox: ctx.outbox(null, write.incident, [write.event], write.effects),
    });
    const incident = { ...write.incident, changeSeq };
    ctx.writeCache.remember(incident);
    ctx.announce(incident, [write.event]);
    return incidentView(incident, callerRoles);
  }

  return { startIncident };
}
