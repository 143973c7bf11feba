import Holidays from 'date-holidays';
import { DateTime } from 'luxon';

/**
 * Public holidays that stop a business-day clock, by jurisdiction, for every year (the `date-holidays`
 * rules, not a list that ends). US: the federal holidays (5 U.S.C. 6103) with their Friday/Monday
 * observances; JP: the national holidays (祝日) with substitute days; CA: the federal statutory holidays
 * (Canada Labour Code s.166), which the library's nationwide list lacks five of; BR: Brazil's national
 * holidays; US-VT: Vermont's public holidays. Weekends never count. A
 * jurisdiction without rules counts weekends only; `holidayCalendars` lists the ones with rules.
 */
function calendar(region: string, extra: Record<string, string> = {}): Holidays {
  const [country, state] = region.split('-') as [string, string | undefined];
  const rules = state
    ? new Holidays(country, state, { types: ['public'], languages: ['en'] })
    : new Holidays(country, { types: ['public'], languages: ['en'] });
  for (const [rule, name] of Object.entries(extra)) rules.setHoliday(rule, { name, type: 'public' });
  return rules;
}

const calendars: Readonly<Record<string, Holidays>> = {
  // The library files Veterans Day's Friday/Monday observance as a bank holiday; federal offices close then.
  US: calendar('US', {
    '11-11 and if saturday then previous friday if sunday then next monday': 'Veterans Day',
  }),
  JP: calendar('JP'),
  BR: calendar('BR'),
  // Vermont's state holidays (Town Meeting Day, Bennington Battle Day) with the federal ones.
  'US-VT': calendar('US-VT'),
  CA: calendar('CA', {
    'monday before 05-25': 'Victoria Day',
    '09-30 since 2021': 'National Day for Truth and Reconciliation',
    '2nd monday in October': 'Thanksgiving',
    '11-11': 'Remembrance Day',
    '12-25 and if saturday then next monday if sunday then next monday': 'Christmas Day',
    '12-26 and if saturday then next monday if sunday then next tuesday': 'Boxing Day',
  }),
};

/** The jurisdictions whose public holidays stop business-day clocks. */
export const holidayCalendars: readonly string[] = Object.keys(calendars);

/** A public holiday: its local ISO date and name. */
export interface PublicHoliday {
  date: string;
  name: string;
}

/** The public holidays of a jurisdiction in a year, one per date (the first name), by date. */
function holidaysOf(jurisdiction: string, year: number): PublicHoliday[] {
  const found = calendars[jurisdiction]?.getHolidays(year) ?? [];
  const byDate = new Map<string, string>();
  for (const h of found) {
    const date = h.date.slice(0, 10);
    if (h.type === 'public' && !byDate.has(date)) byDate.set(date, h.name);
  }
  return [...byDate].map(([date, name]) => ({ date, name })).sort((a, b) => a.date.localeCompare(b.date));
}

/** The public holidays of a jurisdiction in a year, as local ISO dates. */
export function publicHolidays(jurisdiction: string, year: number): string[] {
  return holidaysOf(jurisdiction, year).map((h) => h.date);
}

const holidayLookup = (jurisdiction: string | undefined) => {
  const years = new Map<number, ReadonlyMap<string, string>>();
  return (day: DateTime): string | undefined => {
    if (!jurisdiction) return undefined;
    let names = years.get(day.year);
    if (!names) {
      names = new Map(holidaysOf(jurisdiction, day.year).map((h) => [h.date, h.name]));
      years.set(day.year, names);
    }
    return names.get(day.toISODate()!);
  };
};

const isWeekend = (day: DateTime) => day.weekday > 5;

/**
 * The end (23:59:59.999 local) of the `count`-th business day after the day of `fromIso`, in `timeZone`, and
 * the weekday holidays of `jurisdiction` it stepped over: "within 4 business days after the determination"
 * (SEC 8-K Item 1.05) ends with the fourth working day that follows the determination's day, or at `cutOff`
 * (HH:mm local) on that day when filings after it count as made the next business day.
 */
export function countBusinessDays(
  fromIso: string,
  count: number,
  timeZone: string,
  jurisdiction?: string,
  cutOff?: string,
): { endsAt: string; holidaysSkipped: PublicHoliday[] } {
  const holidayOn = holidayLookup(jurisdiction);
  const holidaysSkipped: PublicHoliday[] = [];
  let day = DateTime.fromISO(fromIso, { zone: timeZone }).startOf('day');
  if (!day.isValid) throw new Error(`cannot count business days from "${fromIso}" in "${timeZone}"`);
  for (let counted = 0; counted < count; ) {
    day = day.plus({ days: 1 });
    if (isWeekend(day)) continue;
    const holiday = holidayOn(day);
    if (holiday) holidaysSkipped.push({ date: day.toISODate()!, name: holiday });
    else counted++;
  }
  return { endsAt: endOfDay(day, cutOff).toUTC().toISO()!, holidaysSkipped };
}

/** The end of a business day: its cut-off (HH:mm local, e.g. EDGAR's 17:30) if it has one, else midnight. */
function endOfDay(day: DateTime, cutOff?: string): DateTime {
  if (!cutOff) return day.endOf('day');
  const [hour, minute] = cutOff.split(':').map(Number);
  return day.set({ hour, minute, second: 0, millisecond: 0 });
}

/** The end of the `count`-th business day after the day of `fromIso` (see `countBusinessDays`). */
export function endOfBusinessDays(
  fromIso: string,
  count: number,
  timeZone: string,
  jurisdiction?: string,
): string {
  return countBusinessDays(fromIso, count, timeZone, jurisdiction).endsAt;
}

/** `fromIso` plus `count` calendar days at the same local wall-clock time in `timeZone` (DST-safe). */
export function addCalendarDays(fromIso: string, count: number, timeZone: string): string {
  const start = DateTime.fromISO(fromIso, { zone: timeZone });
  if (!start.isValid) throw new Error(`cannot add days to "${fromIso}" in "${timeZone}"`);
  return start.plus({ days: count }).toUTC().toISO()!;
}

/** `fromIso` plus `count` calendar months at the same local wall-clock time in `timeZone` (the 31st → the 30th). */
export function addCalendarMonths(fromIso: string, count: number, timeZone: string): string {
  const start = DateTime.fromISO(fromIso, { zone: timeZone });
  if (!start.isValid) throw new Error(`cannot add months to "${fromIso}" in "${timeZone}"`);
  return start.plus({ months: count }).toUTC().toISO()!;
}
