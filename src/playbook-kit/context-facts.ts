import type { RecordedAnchors, TrackedClock } from './clock-tracking';
import type { PlaybookDefinition } from './define';

/**
 * What holdfast reads from a playbook's machine context outside the machine: the engine (when the incident
 * opened on its own clock, which notification clocks are overdue), the incident view and the tabletop report.
 * Declared once here, so none of them reaches into `context.*` by convention alone.
 */
export interface ContextFacts {
  /** When the incident opened on its own clock (the input's `receivedAt`, say); null: when it was stored. */
  openedAt: string | null;
  /** The notification clocks the playbook tracks. */
  clocks: TrackedClock[];
  /** The clock anchors recorded, each with its time (none before anchors were recorded). */
  anchors: RecordedAnchors;
  /** The jurisdictions the incident's notification duties come from; null when the context names none. */
  jurisdictions: string[] | null;
  /** The incident's IANA time zone (its deadlines' "end of day"); null when the context names none. */
  timeZone: string | null;
  /** The input the incident was opened with (empty when the context does not keep it). */
  input?: Record<string, unknown>;
  /** The newest payload of each event type recorded, with its time (empty when the context keeps none). */
  recorded?: Record<string, { payload: Record<string, unknown>; at: string }>;
  /** The decisions on record: option and rationale. */
  decisions?: { id: string; event: string; option: string; rationale: string; at: string }[];
  /** The evidence items on record. */
  evidence?: { kind: string; location: string; at: string }[];
}

/** How a playbook's context yields its facts. */
export type ContextProjection = (context: unknown) => ContextFacts;

/**
 * The kit's convention: `openedAt`, `clocks` (by id), `anchors`, `jurisdictions`, `input`, `facts` (by event
 * type), `decisions` and `evidence` at the top of the context.
 */
export const conventionalContextFacts: ContextProjection = (context) => {
  const fields = (isRecord(context) ? context : {}) as Record<string, unknown>;
  return {
    openedAt: typeof fields.openedAt === 'string' ? fields.openedAt : null,
    clocks: isRecord(fields.clocks) ? (Object.values(fields.clocks) as TrackedClock[]) : [],
    anchors: isRecord(fields.anchors) ? (fields.anchors as RecordedAnchors) : {},
    jurisdictions: Array.isArray(fields.jurisdictions)
      ? fields.jurisdictions.filter((j): j is string => typeof j === 'string')
      : null,
    timeZone: typeof fields.timeZone === 'string' ? fields.timeZone : null,
    input: isRecord(fields.input) ? (fields.input as Record<string, unknown>) : {},
    recorded: isRecord(fields.facts) ? (fields.facts as NonNullable<ContextFacts['recorded']>) : {},
    decisions: Array.isArray(fields.decisions)
      ? (fields.decisions as NonNullable<ContextFacts['decisions']>)
      : [],
    evidence: Array.isArray(fields.evidence)
      ? (fields.evidence as NonNullable<ContextFacts['evidence']>)
      : [],
  };
};

/** The facts of an incident's context, by the playbook's own projection or the kit's convention. */
export function contextFacts(
  definition: Pick<PlaybookDefinition, 'contextFacts'>,
  context: unknown,
): ContextFacts {
  return (definition.contextFacts ?? conventionalContextFacts)(context);
}

const isRecord = (value: unknown): value is object => typeof value === 'object' && value !== null;
