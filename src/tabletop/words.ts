import type { PlaybookDefinition } from '../playbook-kit';

/** Events holdfast itself records, which no playbook lists among its client events. */
const ownEvents: Record<string, string> = {
  'incident.opened': 'Incident opened',
  'deadline.passed': 'Deadline passed',
  'clock.due': 'Notification clock due',
};

/** A key as words: `payment.pay_requested` → "Payment pay requested". */
export const keyAsWords = (key: string): string => {
  const words = key.replace(/[._-]+/g, ' ').trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
};

/** What an event is called: its title in the playbook, else holdfast's name for it, else its key as words. */
export const eventTitle = (definition: Pick<PlaybookDefinition, 'events'>, type: string): string =>
  definition.events.find((event) => event.type === type)?.title ?? ownEvents[type] ?? keyAsWords(type);
