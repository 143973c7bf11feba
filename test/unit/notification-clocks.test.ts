import { describe, expect, it } from 'vitest';
import {
  addCalendarDays,
  clockDueAt,
  clocksFor,
  endOfBusinessDays,
  holidayCalendars,
  notificationClocks,
  publicHolidays,
} from '../../src/playbook-kit';

const clock = (id: string) => notificationClocks.find((c) => c.id === id)!;

describe('business days', () => {
  it.each([
    // Thursday → Fri, Mon, Tue, Wed: end of Wednesday in New York.
    ['2026-11-12T15:00:00-05:00', 4, 'America/New_York', undefined, '2026-11-19T04:59:59.999Z'],
    // Over US Thanksgiving (Thu 26 Nov): Wed 25, Fri 27, Mon 30, Tue 1 Dec.
    ['2026-11-24T10:00:00-05:00', 4, 'America/New_York', 'US', '2026-12-02T04:59:59.999Z'],
    // A Saturday determination counts from Monday.
    ['2026-11-21T12:00:00Z', 1, 'UTC', undefined, '2026-11-23T23:59:59.999Z'],
    // The incident's zone decides the day: 23:30 Friday in Tokyo is still Friday there.
    ['2026-11-20T14:30:00Z', 1, 'Asia/Tokyo', 'JP', '2026-11-24T14:59:59.999Z'],
  ])('%s + %i business days in %s (%s holidays) ends %s', (from, count, zone, holidays, expected) => {
    expect(endOfBusinessDays(from, count, zone, holidays)).toBe(expected);
  });

  it.each([
    // Thanksgiving 2031 (Thu 27 Nov): Wed 26, Fri 28, Mon 1, Tue 2 Dec. Holiday rules do not stop at a year.
    ['2031-11-25T10:00:00-05:00', 4, 'America/New_York', 'US', '2031-12-03T04:59:59.999Z'],
    // Golden Week 2031 in Tokyo: 29 Apr and 3–6 May are holidays (6 May substitutes for Sunday the 4th).
    ['2031-05-01T10:00:00+09:00', 2, 'Asia/Tokyo', 'JP', '2031-05-07T14:59:59.999Z'],
    // Canada's federal Thanksgiving 2040 is Monday 8 Oct: one business day after Friday the 5th ends Tuesday.
    ['2040-10-05T10:00:00-04:00', 1, 'America/Toronto', 'CA', '2040-10-10T03:59:59.999Z'],
  ])(
    '%s + %i business days in %s (%s holidays, years ahead) ends %s',
    (from, count, zone, holidays, expected) => {
      expect(endOfBusinessDays(from, count, zone, holidays)).toBe(expected);
    },
  );

  it('has the federal and national holidays of every year, matching the 2026 calendars', () => {
    expect(holidayCalendars).toEqual(['US', 'JP', 'CA']);
    const weekdays = (dates: string[]) =>
      dates.filter((d) => ![0, 6].includes(new Date(`${d}T12:00:00Z`).getUTCDay()));
    expect(weekdays(publicHolidays('CA', 2026))).toEqual([
      '2026-01-01',
      '2026-04-03',
      '2026-05-18',
      '2026-07-01',
      '2026-09-07',
      '2026-09-30',
      '2026-10-12',
      '2026-11-11',
      '2026-12-25',
      '2026-12-28',
    ]);
    expect(weekdays(publicHolidays('US', 2026))).toEqual([
      '2026-01-01',
      '2026-01-19',
      '2026-02-16',
      '2026-05-25',
      '2026-06-19',
      '2026-07-03',
      '2026-09-07',
      '2026-10-12',
      '2026-11-11',
      '2026-11-26',
      '2026-12-25',
    ]);
    for (const jurisdiction of holidayCalendars)
      for (const year of [2027, 2035, 2099])
        expect(publicHolidays(jurisdiction, year).length).toBeGreaterThan(4);
    expect(publicHolidays('FR', 2027)).toEqual([]);
  });

  it('keeps the local wall-clock time across a DST change for calendar days', () => {
    // 1 Nov 2026 is the end of DST in New York: 30 calendar days later is still 09:00 local.
    expect(addCalendarDays('2026-10-20T09:00:00-04:00', 30, 'America/New_York')).toBe(
      '2026-11-19T14:00:00.000Z',
    );
  });

  it('refuses an unknown time zone with a clear error', () => {
    expect(() => endOfBusinessDays('2026-11-20T00:00:00Z', 1, 'Mars/Olympus')).toThrow(/Mars\/Olympus/);
  });
});

describe('notification-clock library', () => {
  it('names an anchor, recipient, deadline rule and source for every clock, with unique ids', () => {
    expect(new Set(notificationClocks.map((c) => c.id)).size).toBe(notificationClocks.length);
    for (const c of notificationClocks) {
      expect(c.label.length, c.id).toBeGreaterThan(10);
      expect(c.recipient.length, c.id).toBeGreaterThan(3);
      expect(c.source.length, c.id).toBeGreaterThan(5);
      expect(c.jurisdictions.length, c.id).toBeGreaterThan(0);
      if (c.deadline.kind === 'soft')
        expect(c.policyDefault, `${c.id} soft clocks are policy defaults`).toBe(true);
    }
  });

  it('starts PIPEDA for a Canadian business on determination, and GDPR for EU customers on awareness', () => {
    expect(clocksFor(['CA'], 'determined').map((c) => c.id)).toEqual(['pipeda-opc']);
    expect(clocksFor(['CA', 'EU'], 'aware').map((c) => c.id)).toEqual(['gdpr-art33']);
    expect(clocksFor(['CA'], 'aware')).toEqual([]);
    expect(clock('pipeda-opc').retentionMonths).toBe(24);
  });

  it.each([
    ['gdpr-art33', '2026-11-20T22:00:00Z', 'Europe/Paris', undefined, '2026-11-23T22:00:00.000Z'],
    ['pipeda-opc', '2026-11-20T10:00:00-05:00', 'America/Toronto', 'CA', '2026-11-23T15:00:00.000Z'],
    ['appi-confirmed', '2026-11-20T10:00:00+09:00', 'Asia/Tokyo', 'JP', '2026-12-20T01:00:00.000Z'],
    ['sec-8k-105', '2026-11-24T10:00:00-05:00', 'America/New_York', 'US', '2026-12-02T04:59:59.999Z'],
    ['nydfs-extortion-payment', '2026-11-20T10:00:00Z', 'America/New_York', 'US', '2026-11-21T10:00:00.000Z'],
  ])('%s from %s is due %s', (id, anchor, zone, holidays, expected) => {
    expect(clockDueAt(clock(id), anchor, zone, holidays)).toBe(expected);
  });
});
