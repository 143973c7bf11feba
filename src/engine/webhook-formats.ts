import type { OutboxMessage } from './types';
import type { WebhookEndpoint } from './webhooks';

/**
 * The body an endpoint receives for a message, by its format: Standard Webhooks JSON (`type`, `timestamp`,
 * `data`), a Slack incoming-webhook message (`text` and Block Kit `blocks`) or a Microsoft Teams Workflows
 * message (one Adaptive Card attachment). `baseUrl` makes the message's link absolute.
 */
export function renderMessage(
  message: OutboxMessage,
  endpoint: Pick<WebhookEndpoint, 'format' | 'includeDetails'>,
  baseUrl: string,
): string {
  const link = new URL(String(message.data.link ?? '/'), baseUrl).toString();
  const data = {
    ...message.data,
    link,
    ...(endpoint.includeDetails && message.details !== null && { details: message.details }),
  };
  if (endpoint.format === 'standard') {
    return JSON.stringify({ type: message.type, timestamp: message.createdAt, data });
  }
  const { title, text } = messageSummary(message);
  if (endpoint.format === 'slack') {
    return JSON.stringify({
      text: `${title}: ${text}`,
      blocks: [
        { type: 'header', text: { type: 'plain_text', text: title.slice(0, 150) } },
        {
          type: 'section',
          text: { type: 'mrkdwn', text: `${escapeMrkdwn(text)}\n<${link}|Open the incident>` },
        },
      ],
    });
  }
  return JSON.stringify({
    type: 'message',
    attachments: [
      {
        contentType: 'application/vnd.microsoft.card.adaptive',
        contentUrl: null,
        content: {
          $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
          type: 'AdaptiveCard',
          version: '1.4',
          body: [
            { type: 'TextBlock', text: title, weight: 'Bolder', size: 'Medium', wrap: true },
            { type: 'TextBlock', text, wrap: true },
          ],
          actions: [{ type: 'Action.OpenUrl', title: 'Open the incident', url: link }],
        },
      },
    ],
  });
}

interface Facts {
  mode?: string;
  incident?: { title?: string; severity?: string };
  event?: { type?: string; actor?: string; occurredAt?: string };
  deadline?: { label?: string; dueAt?: string };
  overdue?: { label?: string; dueAt?: string };
  escalation?: { label?: string; audience?: string[] };
  clock?: { label?: string; state?: string; dueAt?: string; recipient?: string };
  reminder?: { label?: string; dueAt?: string; before?: string };
}

/** The chat line: the incident title (EXERCISE first for an exercise) and what happened or is due. */
export function messageSummary(message: Pick<OutboxMessage, 'type' | 'mode' | 'data'>): {
  title: string;
  text: string;
} {
  const d = message.data as Facts;
  const exercise = message.mode === 'exercise' ? 'EXERCISE: ' : '';
  const title = `${exercise}${d.incident?.title ?? 'Incident'} (${d.incident?.severity ?? ''})`;
  const texts: Record<OutboxMessage['type'], () => string> = {
    'incident.opened': () => `Incident opened by ${d.event?.actor}.`,
    'incident.event': () => `${d.event?.type} by ${d.event?.actor} at ${d.event?.occurredAt}.`,
    'incident.closed': () => `Incident closed at ${d.event?.occurredAt}.`,
    'deadline.passed': () => `Deadline passed: ${d.deadline?.label} (due ${d.deadline?.dueAt}).`,
    'deadline.reminder': () =>
      `Reminder: ${d.reminder?.label} is due in ${d.reminder?.before} (at ${d.reminder?.dueAt}).`,
    'incident.escalated': () =>
      `Escalated: ${d.escalation?.label}${d.escalation?.audience?.length ? ` (for ${d.escalation.audience.join(', ')})` : ''}.`,
    'incident.overdue': () => `Overdue: ${d.overdue?.label} (due ${d.overdue?.dueAt}).`,
    'clock.changed': () =>
      `${d.clock?.label} (${d.clock?.recipient}): ${d.clock?.state}, due ${d.clock?.dueAt}.`,
  };
  return { title, text: texts[message.type]() };
}

/** Slack's mrkdwn treats these three as control characters. */
const escapeMrkdwn = (text: string) =>
  text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
