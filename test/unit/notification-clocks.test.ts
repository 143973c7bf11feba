import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import {
  addCalendarDays,
  clockDue,
  clockDueAt,
  clocksFor,
  endOfBusinessDays,
  holidayCalendars,
  notificationClocks,
  publicHolidays,
  startClocks,
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
    // Golden Week 2030 in Tokyo: Showa Day (Mon 29 Apr), then 3 May and Monday the 6th for Sunday the 5th.
    ['2030-04-26T10:00:00+09:00', 3, 'Asia/Tokyo', 'JP', '2030-05-02T14:59:59.999Z'],
    ['2030-04-26T10:00:00+09:00', 4, 'Asia/Tokyo', 'JP', '2030-05-07T14:59:59.999Z'],
    // Canada Day 2027 is a Thursday.
    ['2027-06-30T10:00:00-04:00', 1, 'America/Toronto', 'CA', '2027-07-03T03:59:59.999Z'],
  ])(
    '%s + %i business days in %s (%s holidays, years ahead) ends %s',
    (from, count, zone, holidays, expected) => {
      expect(endOfBusinessDays(from, count, zone, holidays)).toBe(expected);
    },
  );

  it('has the federal and national holidays of every year, matching the 2026 calendars', () => {
    expect(holidayCalendars).toEqual(['US', 'JP', 'BR', 'US-VT', 'CA']);
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
    // Federal offices close on the Friday or Monday when Veterans Day falls on a weekend.
    expect(publicHolidays('US', 2028)).toContain('2028-11-10');
    expect(publicHolidays('US', 2029)).toContain('2029-11-12');
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
    expect(clocksFor(['CA'], 'determined').map((c) => c.id)).toEqual([
      'pipeda-opc',
      'pipeda-individuals',
      'pipeda-organisations',
    ]);
    expect(clocksFor(['CA', 'EU'], 'aware').map((c) => c.id)).toEqual(['gdpr-art33', 'gdpr-art34']);
    expect(clocksFor(['CA'], 'aware')).toEqual([]);
    expect(clock('pipeda-opc').retentionMonths).toBe(24);
  });

  it.each([
    ['gdpr-art33', '2026-11-20T22:00:00Z', 'Europe/Paris', undefined, '2026-11-23T22:00:00.000Z'],
    ['pipeda-opc', '2026-11-20T10:00:00-05:00', 'America/Toronto', 'CA', '2026-11-23T15:00:00.000Z'],
    ['appi-confirmed', '2026-11-20T10:00:00+09:00', 'Asia/Tokyo', 'JP', '2026-12-20T01:00:00.000Z'],
    ['sec-8k-105', '2026-11-24T10:00:00-05:00', 'America/New_York', 'US', '2026-12-01T22:30:00.000Z'],
    ['nydfs-extortion-payment', '2026-11-20T10:00:00Z', 'America/New_York', 'US', '2026-11-21T10:00:00.000Z'],
  ])('%s from %s is due %s', (id, anchor, timeZone, country, expected) => {
    expect(clockDueAt(clock(id), anchor, { timeZone, country })).toBe(expected);
  });

  it('names a real time zone or none for every clock, and says why where a day count has no calendar of its own', () => {
    for (const c of notificationClocks) {
      const { region, timeZone } = c.calendar;
      if (timeZone !== null) expect(DateTime.local({ zone: timeZone }).isValid, c.id).toBe(true);
      if (region !== null) expect(region, c.id).toMatch(/^[A-Z]{2}(-[A-Z]{2})?$/);
      const countsDays = c.deadline.kind === 'business_days' || c.deadline.kind === 'calendar_days';
      if (countsDays && (region === null || timeZone === null))
        expect(c.calendarNote?.length ?? 0, c.id).toBeGreaterThan(20);
      if (c.deadline.kind === 'business_days' && region !== null)
        expect(holidayCalendars, `${c.id} counts business days in a region without holiday rules`).toContain(
          region,
        );
    }
  });
});

describe("a clock counts in its regulator's calendar", () => {
  const sec = clock('sec-8k-105');
  const tokyo = { timeZone: 'Asia/Tokyo', country: 'JP' };
  const newYork = { timeZone: 'America/New_York', country: 'US' };

  it.each([
    // Thursday → Fri, MLK Day (Mon 18 Jan 2027) skipped, Tue, Wed, Thu.
    ['2027-01-14T10:00:00-05:00', '2027-01-21T22:30:00.000Z', ['2027-01-18']],
    // Saturday → Mon, Tue, Wed, Thanksgiving (Thu 26 Nov 2026) skipped, Fri.
    ['2026-11-21T12:00:00-05:00', '2026-11-27T22:30:00.000Z', ['2026-11-26']],
    // New Year's Day 2028 is a Saturday: observed Friday 31 Dec 2027.
    ['2027-12-29T10:00:00-05:00', '2028-01-05T22:30:00.000Z', ['2027-12-31']],
    // Veterans Day 2028 is a Saturday: observed Friday 10 Nov (the library files it as a bank holiday).
    ['2028-11-08T10:00:00-05:00', '2028-11-15T22:30:00.000Z', ['2028-11-10']],
    // Juneteenth 2030 is a Wednesday.
    ['2030-06-17T10:00:00-04:00', '2030-06-24T21:30:00.000Z', ['2030-06-19']],
    // DST starts Sunday 14 Mar 2027: EDGAR's 17:30 cut-off is then 17:30 EDT (UTC-4).
    ['2027-03-11T15:00:00-05:00', '2027-03-17T21:30:00.000Z', []],
    // DST ends Sunday 7 Nov 2027: the cut-off is then 17:30 EST (UTC-5).
    ['2027-11-04T10:00:00-04:00', '2027-11-10T22:30:00.000Z', []],
  ])('SEC 8-K from %s is due %s in New York, for a Japanese company too', (anchor, expected, skipped) => {
    for (const incident of [tokyo, newYork]) {
      const due = clockDue(sec, anchor, incident);
      expect(due).toMatchObject({ dueAt: expected, region: 'US', timeZone: 'America/New_York' });
      expect(due.holidaysSkipped.map((h) => h.date)).toEqual(skipped);
    }
  });

  it('names the holidays it skipped', () => {
    expect(clockDue(sec, '2027-01-14T10:00:00-05:00', tokyo).holidaysSkipped).toEqual([
      { date: '2027-01-18', name: 'Martin Luther King Jr. Day' },
    ]);
  });

  it("no longer counts a Japanese company's SEC clock over Golden Week in Tokyo", () => {
    // Wednesday 28 Apr 2027 10:00 in Tokyo is Tuesday 21:00 in New York: Wed, Thu, Fri, Mon 3 May.
    const determined = '2027-04-28T10:00:00+09:00';
    expect(clockDueAt(sec, determined, tokyo)).toBe('2027-05-03T21:30:00.000Z');
    // The company's calendar skips Showa Day and 3–5 May and ends on Monday 10 May, six days later.
    expect(endOfBusinessDays(determined, 4, 'Asia/Tokyo', 'JP')).toBe('2027-05-10T14:59:59.999Z');
  });

  it("takes the day from the regulator's time zone, not the incident's", () => {
    // 02:00 on Friday in London is 21:00 on Thursday in New York: Fri, Mon, Tue, Wed (Thanksgiving is Thursday).
    const anchor = '2026-11-20T02:00:00Z';
    expect(clockDueAt(sec, anchor, { timeZone: 'Europe/London', country: 'GB' })).toBe(
      '2026-11-25T22:30:00.000Z',
    );
    // APPI's 30 days keep Tokyo's wall-clock time; New York's would move an hour when its DST ends (1 Nov).
    const knew = '2026-10-20T09:00:00-04:00';
    expect(clockDueAt(clock('appi-confirmed'), knew, { timeZone: 'America/New_York' })).toBe(
      '2026-11-19T13:00:00.000Z',
    );
    expect(addCalendarDays(knew, 30, 'America/New_York')).toBe('2026-11-19T14:00:00.000Z');
  });

  it("counts Visa's business days in the organisation's calendar, which the sources leave open", () => {
    // Canada Day 2030 is Monday 1 July: Fri 28, Tue 2, Wed 3 in Toronto.
    const anchor = '2030-06-27T10:00:00-04:00';
    const visa = clock('visa-initial-report');
    expect(clockDue(visa, anchor, { timeZone: 'America/Toronto', country: 'CA' })).toMatchObject({
      dueAt: '2030-07-04T03:59:59.999Z',
      region: 'CA',
      timeZone: 'America/Toronto',
      holidaysSkipped: [{ date: '2030-07-01', name: 'Canada Day' }],
    });
    expect(clockDueAt(visa, anchor, { timeZone: 'America/Toronto', country: 'US' })).toBe(
      '2030-07-03T03:59:59.999Z',
    );
  });

  it('starts the SEC clock of a Japanese registrant on the US calendar', () => {
    const [started] = startClocks({}, ['US-SEC'], 'material', '2027-01-14T10:00:00-05:00', tokyo);
    expect(started).toMatchObject({ id: 'sec-8k-105', dueAt: '2027-01-21T22:30:00.000Z' });
  });
});
