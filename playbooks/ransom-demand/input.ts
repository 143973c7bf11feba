import { z } from 'zod';
import type { Severity } from '../../src/playbook-kit';

/** Data categories that drive severity and the notification profile (PB-1 declaration criteria, §3.2). */
export const dataCategory = z.enum(['health', 'id_images', 'payment', 'credentials', 'contact', 'other']);
export type DataCategory = z.infer<typeof dataCategory>;

/** Categories that make an extortion demand Critical (PB-1 declaration criteria, DE.AE-08). */
export const criticalCategories: readonly DataCategory[] = ['health', 'id_images', 'payment', 'credentials'];

/** A jurisdiction code: ISO 3166 alpha-2 (plus 'EU' and 'UK'), optionally with a subdivision ('US-NY', 'CA-ON'). */
function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

export const jurisdiction = z
  .string()
  .trim()
  .regex(
    /^[A-Z]{2,4}(-[A-Z0-9]{1,5}){0,2}$/,
    "a jurisdiction code such as 'CA', 'EU', 'UK', 'JP', 'US', 'US-SEC', 'US-NY-DFS' or 'PCI'",
  );

/**
 * The demand record captured at the trigger (`demand.received`). Fields follow what the FBI asks
 * victims to report (R5): amount, wallet address, message, channel, time.
 */
export const demandRecord = z
  .object({
    receivedAt: z.iso
      .datetime({ offset: true })
      .describe(
        'When the demand arrived (T_demand), ISO 8601 with offset. The payment window counts from here.',
      ),
    channel: z
      .enum(['email', 'web_form', 'phone', 'public_post', 'other'])
      .describe('How the demand arrived. JJ Meds (C2): email.'),
    sender: z
      .string()
      .trim()
      .min(1)
      .max(500)
      .optional()
      .describe('Sender identifiers as seen (address, handle, phone number). Keep full headers as evidence.'),
    claimedAssets: z
      .array(z.string().trim().min(1).max(200))
      .min(1)
      .describe("What the actor claims to hold or reach, in the actor's words, e.g. ['image files'] (C2)."),
    proofOfAccess: z
      .boolean()
      .describe('Whether the message came with a proof-of-access sample (store the sample as evidence).'),
    threatenedActions: z
      .array(z.enum(['publish_internet', 'send_to_police', 'encrypt', 'sell', 'other']))
      .describe("What the actor threatens to do. C2: ['publish_internet', 'send_to_police']."),
    amount: z.number().positive().describe('Amount demanded, in `currency` units. C2: 1000.'),
    currency: z
      .string()
      .trim()
      .min(1)
      .max(10)
      .describe(
        'Currency of `amount`, e.g. USD or CAD. The C2 seed says only "$", so "$" is accepted as is.',
      ),
    asset: z
      .string()
      .trim()
      .min(1)
      .max(20)
      .optional()
      .describe('Asset the actor wants to be paid in, e.g. BTC (C2).'),
    walletAddress: z
      .string()
      .trim()
      .min(1)
      .max(200)
      .optional()
      .describe(
        'Wallet address as demanded: needed for the sanctions screen (R6) and the police report (R5).',
      ),
    windowHours: z
      .number()
      .int()
      .positive()
      .max(2160)
      .default(48)
      .describe('Payment window in hours; T_deadline = receivedAt + windowHours. C2: 48.'),
    messageText: z
      .string()
      .max(20_000)
      .optional()
      .describe(
        'The exact demand text. The original message with full headers is preserved as evidence too.',
      ),
  })
  .strict();

/** What a ransom-demand incident is opened with. */
export const ransomDemandInput = z
  .object({
    demand: demandRecord.describe('The demand record (PB-1 "Demand record", FBI fields R5).'),
    organisation: z
      .object({
        name: z.string().trim().min(1).max(200).describe('The victim organisation, e.g. JJ Meds.'),
        country: z
          .string()
          .regex(/^[A-Z]{2}$/, 'an ISO 3166 alpha-2 country code')
          .describe('Where the organisation is established (ISO 3166 alpha-2), e.g. CA for JJ Meds.'),
      })
      .strict()
      .describe('The organisation that received the demand.'),
    timeZone: z
      .string()
      .refine(isTimeZone, 'an IANA time zone such as America/Toronto')
      .default('UTC')
      .describe("The organisation's time zone: business-day and calendar-day clocks count in it."),
    jurisdictions: z
      .array(jurisdiction)
      .default([])
      .describe('Jurisdictions of the data subjects known at intake; drives the regulatory profile (LEG-0).'),
    dataCategories: z
      .array(dataCategory)
      .default([])
      .describe(
        'Data categories the claimed assets probably contain. Health, ID images, payment or credentials → Critical.',
      ),
  })
  .strict();

export type RansomDemandInput = z.output<typeof ransomDemandInput>;

/** PB-1 declaration criteria: High by default; Critical for health, ID-document images, payment or credential data. */
export function defaultSeverity(input: unknown): Severity {
  const categories = (input as { dataCategories?: readonly string[] } | undefined)?.dataCategories ?? [];
  return categories.some((c) => (criticalCategories as readonly string[]).includes(c)) ? 'critical' : 'high';
}
