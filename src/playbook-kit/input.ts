import { z } from 'zod';
import { text } from './define';

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** An IANA time zone; deadlines in days count in it. */
export const timeZone = z
  .string()
  .trim()
  .refine(isTimeZone, 'an IANA time zone such as "America/Toronto" or "Asia/Tokyo"');

/** A jurisdiction code: ISO 3166 alpha-2 (plus 'EU' and 'UK'), optionally with a subdivision ('US-NY', 'CA-ON'). */
export const jurisdiction = z
  .string()
  .trim()
  .regex(
    /^[A-Z]{2,4}(-[A-Z0-9]{1,5}){0,2}$/,
    "a jurisdiction code such as 'CA', 'EU', 'UK', 'JP', 'US', 'US-SEC', 'US-NY-DFS' or 'PCI'",
  );

/** An ISO 8601 instant with an offset. */
export const instant = z.iso.datetime({ offset: true });

/**
 * An outside report that started the incident (SM-INTAKE): a customer, researcher, journalist, police, CERT or
 * contractor. C8: a blog post; C4: a police notice; C7: a customer's "the download is abnormal".
 */
export const externalReport = z.strictObject({
  receivedAt: instant.describe(
    'When the report arrived; the acknowledgement and triage clocks count from here.',
  ),
  channel: z.enum([
    'email',
    'phone',
    'web_form',
    'social_media',
    'blog',
    'press',
    'police',
    'cert',
    'contractor',
    'other',
  ]),
  reporter: text(300).describe('Who reported it, as they identified themselves.'),
  claim: text(4000).describe("What the reporter says happened, in the reporter's words."),
  public: z
    .boolean()
    .default(false)
    .describe('Whether the claim is already public (blog, social media, press).'),
});
export type ExternalReport = z.infer<typeof externalReport>;

/**
 * The organisation an incident belongs to; `country` picks the public holidays of the business-day clocks that
 * count in no regulator's calendar of their own (see `ClockCalendar`).
 */
export const organisation = z.strictObject({
  name: text(200),
  country: z
    .string()
    .regex(/^[A-Z]{2}$/, 'an ISO 3166 alpha-2 country code')
    .optional(),
});

/**
 * Fields every catalogue playbook's input shares: the organisation, the jurisdictions and time zone the
 * notification clocks use, and the outside report when one started the incident.
 */
export const incidentBasics = {
  organisation,
  jurisdictions: z.array(jurisdiction).max(20).default([]).describe('Jurisdiction profile for SM-CLOCKS.'),
  timeZone: timeZone.default('UTC').describe('Time zone that day-counted deadlines use.'),
  report: externalReport.optional().describe('The outside report that started the incident (SM-INTAKE).'),
};

/** What the kit reads from any playbook's validated input. */
export interface BasicInput {
  organisation: { name: string; country?: string };
  jurisdictions: string[];
  timeZone: string;
  report?: ExternalReport;
}
