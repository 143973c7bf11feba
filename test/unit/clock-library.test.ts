import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import {
  clockAnchors,
  clockById,
  clockDue,
  clocksFor,
  type NotificationClock,
  notificationClocks,
  publicHolidays,
} from '../../src/playbook-kit';

const clock = (id: string): NotificationClock => clockById(id)!;

/**
 * Anchors at the edges, each with the incident's own time zone: weekends, public holidays of 2026, 2027 and
 * 2030 (MLK Day, Good Friday, Golden Week, Christmas, year ends), DST changes in New York, London, Sydney and São
 * Paulo's neighbours, and late evenings where the regulator's day differs from the incident's.
 */
const edges: readonly [string, string][] = [
  ['2026-03-07T12:00:00-05:00', 'America/New_York'], // Saturday before US DST starts
  ['2026-03-28T23:30:00+00:00', 'Europe/London'], // the night UK DST starts
  ['2026-04-02T18:00:00+11:00', 'Australia/Sydney'], // before Good Friday and Sydney's DST end
  ['2026-04-29T09:00:00+09:00', 'Asia/Tokyo'], // Golden Week begins
  ['2026-11-25T20:00:00-05:00', 'America/New_York'], // eve of Thanksgiving
  ['2026-12-24T17:45:00+01:00', 'Europe/Paris'], // Christmas Eve, after EDGAR's cut-off in New York
  ['2026-12-31T23:00:00-05:00', 'America/Toronto'], // year end
  ['2027-01-15T16:00:00-05:00', 'America/New_York'], // Friday before MLK Day 2027
  ['2027-03-13T22:00:00-05:00', 'America/Chicago'], // hours before US DST starts
  ['2027-10-30T12:00:00+09:00', 'Asia/Tokyo'], // Saturday; Europe's DST ends the next day
  ['2027-12-29T10:00:00-03:00', 'America/Sao_Paulo'], // between Christmas and New Year
  ['2030-04-18T15:00:00-04:00', 'America/New_York'], // before Good Friday 2030
  ['2030-06-18T23:30:00-04:00', 'America/New_York'], // eve of Juneteenth 2030
  ['2030-11-02T09:00:00+05:30', 'Asia/Kolkata'], // Saturday; US DST ends the next day
];

const holidaysCache = new Map<string, Set<string>>();
const isHoliday = (region: string | null, date: DateTime) => {
  if (!region) return false;
  const key = `${region}:${date.year}`;
  if (!holidaysCache.has(key)) holidaysCache.set(key, new Set(publicHolidays(region, date.year)));
  return holidaysCache.get(key)!.has(date.toISODate()!);
};

describe('the clock library as data', () => {
  it('holds at least 40 clocks over at least 15 jurisdictions, with unique ids', () => {
    expect(notificationClocks.length).toBeGreaterThanOrEqual(40);
    expect(new Set(notificationClocks.flatMap((c) => c.jurisdictions)).size).toBeGreaterThanOrEqual(15);
    expect(new Set(notificationClocks.map((c) => c.id)).size).toBe(notificationClocks.length);
  });

  it('has every regime a ransomware victim meets', () => {
    const ids = [
      ...[
        'gdpr-art33',
        'gdpr-art34',
        'uk-gdpr-art33',
        'nis2-early-warning',
        'nis2-notification',
        'nis2-final-report',
      ],
      ...['dora-initial', 'dora-intermediate', 'dora-final', 'appi-preliminary', 'appi-confirmed'],
      ...[
        'appi-confirmed-improper',
        'appi-individuals',
        'pipeda-opc',
        'pipeda-individuals',
        'pipeda-organisations',
      ],
      ...['pipeda-record', 'qc-law25-cai', 'sec-8k-105', 'hipaa-individuals', 'hipaa-hhs', 'hipaa-media'],
      ...['nydfs-incident', 'nydfs-extortion-payment', 'nydfs-extortion-explanation', 'circia-incident'],
      ...[
        'circia-ransom-payment',
        'au-ndb-assessment',
        'au-ransomware-payment',
        'kr-pipa-pipc',
        'br-lgpd-anpd',
      ],
      ...['sg-pdpa-commission', 'in-cert-in', 'pipl-art57', 'visa-initial-report', 'mastercard-adc'],
    ];
    expect(ids.filter((id) => !clockById(id))).toEqual([]);
    const states = new Set(
      notificationClocks.flatMap((c) => c.jurisdictions).filter((j) => /^US-[A-Z]{2}$/.test(j)),
    );
    expect(states.size).toBeGreaterThanOrEqual(10);
  });

  it.each(notificationClocks.map((c) => [c.id, c] as const))(
    '%s names its anchor, rule, recipient and verification',
    (_id, c) => {
      expect(Object.keys(clockAnchors)).toContain(c.anchor);
      for (const text of [c.label, c.recipient, c.filing, c.condition, c.citation, c.source])
        expect(text.trim().length).toBeGreaterThan(3);
      expect(['law', 'policy']).toContain(c.basis);
      expect(c.policyDefault).toBe(c.deadline.kind === 'soft');
      if (c.verifiedOn === null) expect(c.verification).toMatch(/[Nn]ot/);
      else expect(c.verifiedOn).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      if (c.cutOff) expect(c.cutOff).toMatch(/^([01]\d|2[0-3]):[0-5]\d$/);
    },
  );

  // The rule every clock must keep at every edge, checked against the calendar itself rather than a stored answer.
  it.each(notificationClocks.flatMap((c) => edges.map(([anchor, zone]) => [c.id, anchor, zone, c] as const)))(
    '%s from %s (incident in %s) is due by its own rule',
    (_id, anchorIso, incidentZone, c) => {
      const due = clockDue(c, anchorIso, { timeZone: incidentZone, country: 'US' });
      const anchor = DateTime.fromISO(anchorIso, { zone: due.timeZone });
      const at = DateTime.fromISO(due.dueAt, { zone: due.timeZone });
      expect(due.timeZone).toBe(c.calendar.timeZone ?? incidentZone);
      expect(at > anchor).toBe(true);
      const { deadline } = c;
      switch (deadline.kind) {
        case 'hours':
          expect(at.diff(anchor, 'hours').hours).toBe(deadline.amount); // elapsed hours: DST changes nothing
          break;
        case 'soft':
          expect(at.diff(anchor, 'hours').hours).toBe(deadline.policyTargetHours);
          break;
        case 'calendar_days':
        case 'months': {
          // Same wall-clock time in the regulator's zone, whatever DST did in between.
          const unit = deadline.kind === 'months' ? { months: deadline.amount } : { days: deadline.amount };
          expect(at.toISODate()).toBe(anchor.plus(unit).toISODate());
          expect(at.toFormat('HH:mm')).toBe(anchor.plus(unit).toFormat('HH:mm'));
          break;
        }
        case 'business_days': {
          expect(at.weekday).toBeLessThanOrEqual(5);
          expect(isHoliday(due.region, at)).toBe(false);
          expect(at.toFormat('HH:mm:ss')).toBe(c.cutOff ? `${c.cutOff}:00` : '23:59:59');
          let counted = 0;
          for (let day = anchor.startOf('day').plus({ days: 1 }); day <= at; day = day.plus({ days: 1 })) {
            if (day.weekday <= 5 && !isHoliday(due.region, day)) counted++;
          }
          expect(counted).toBe(deadline.amount);
          expect(
            due.holidaysSkipped.every((h) => h.date > anchor.toISODate()! && h.date < at.toISODate()!),
          ).toBe(true);
          break;
        }
      }
    },
  );
});

describe('clocks at the edges, by hand', () => {
  it.each([
    // EDGAR dates a filing after 17:30 the next business day: Christmas 2026 is a Friday.
    ['sec-8k-105', '2026-12-22T10:00:00-05:00', 'Asia/Tokyo', '2026-12-29T22:30:00.000Z'],
    // Tiradentes (Wed 21 Apr 2027) in Brazil: Tue, Thu, Fri.
    ['br-lgpd-anpd', '2027-04-19T10:00:00-03:00', 'Europe/Lisbon', '2027-04-24T02:59:59.999Z'],
    // Good Friday 2030 (19 Apr) is a national holiday in Brazil: Thu, Mon, Tue.
    ['br-lgpd-anpd', '2030-04-17T10:00:00-03:00', 'America/New_York', '2030-04-24T02:59:59.999Z'],
    // Town Meeting Day (Tue 2 Mar 2027) closes Vermont's offices, and DST starts on 14 Mar: 23:59 EDT on 15 Mar.
    [
      'us-vt-attorney-general',
      '2027-02-22T10:00:00-05:00',
      'America/Los_Angeles',
      '2027-03-16T03:59:59.999Z',
    ],
    // Sydney leaves DST on 4 Apr 2027: 30 days keep 09:00 in Sydney, an hour later in UTC.
    ['au-ndb-assessment', '2027-03-20T09:00:00+11:00', 'Europe/London', '2027-04-18T23:00:00.000Z'],
    // The NIS2 final report's month ends on the last day of a shorter month (incident in Berlin).
    ['nis2-final-report', '2027-01-31T10:00:00+01:00', 'Europe/Berlin', '2027-02-28T09:00:00.000Z'],
    // CERT-In's 6 hours and DORA's 4 hours are elapsed hours, across the night UK DST starts.
    ['in-cert-in', '2027-03-27T23:00:00+00:00', 'Europe/London', '2027-03-28T05:00:00.000Z'],
    ['dora-initial', '2027-03-28T00:30:00+00:00', 'Europe/London', '2027-03-28T04:30:00.000Z'],
    // Singapore's 3 calendar days count in Singapore, whatever the incident's zone.
    ['sg-pdpa-commission', '2026-12-31T20:00:00-05:00', 'America/New_York', '2027-01-04T01:00:00.000Z'],
    // PIPEDA's record is kept 24 months after the determination, at 10:00 Toronto time: EST then, EDT in 2028.
    ['pipeda-record', '2026-11-01T10:00:00-05:00', 'Asia/Tokyo', '2028-11-01T14:00:00.000Z'],
  ])('%s from %s (incident in %s) is due %s', (id, anchor, timeZone, expected) => {
    expect(clockDue(clock(id), anchor, { timeZone }).dueAt).toBe(expected);
  });

  it('ships CIRCIA off: its clocks never start, though the calculator still answers', () => {
    expect(clocksFor(['US-CISA'], 'payment')).toEqual([]);
    expect(clocksFor(['US-CISA'], 'aware')).toEqual([]);
    expect(clock('circia-ransom-payment').off).toMatch(/not in force/);
    expect(clockDue(clock('circia-ransom-payment'), '2027-01-01T00:00:00Z', { timeZone: 'UTC' }).dueAt).toBe(
      '2027-01-02T00:00:00.000Z',
    );
  });

  it('starts the NYDFS 30-day explanation with the 24-hour notice on the payment', () => {
    expect(clocksFor(['US-NY-DFS'], 'payment').map((c) => c.id)).toEqual([
      'nydfs-extortion-payment',
      'nydfs-extortion-explanation',
    ]);
  });
});
