import Holidays from 'date-holidays';
import { DateTime } from 'luxon';

/**
 * Public holidays that stop a business-day clock, by jurisdiction, for every year (the `date-holidays`
 * rules, not a list that ends). US: the federal holidays with their Friday/Monday observances; JP: the
 * national holidays (祝日) with substitute days; CA: the federal statutory holidays (Canada Labour Code
 * s.166), which the library's nationwide list lacks five of. Weekends never count. A jurisdiction without
 * rules counts weekends only; `holidayCalendars` lists the ones with rules.
 */
function calendar(country: string, extra: Record<string, string> = {}): Holidays {
  const rules = new Holidays(country, { types: ['public'] });
  for (const [rule, name] of Object.entries(extra)) rules.setHoliday(rule, { name, type: 'public' });
  return rules;
}

const calendars: Readonly<Record<string, Holidays>> = {
  US: calendar('US'),
  JP: calendar('JP'),
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

/** The public holidays of a jurisdiction in a year, as local ISO dates. */
export function publicHolidays(jurisdiction: string, year: number): string[] {
  const found = calendars[jurisdiction]?.getHolidays(year) ?? [];
  return [...new Set(found.filter((h) => h.type === 'public').map((h) => h.date.slice(0, 10)))].sort();
}

const closedDays = (jurisdiction: string | undefined) => {
  const years = new Map<number, ReadonlySet<string>>();
  return (day: DateTime): boolean => {
    if (!jurisdiction) return false;
    let closed = years.get(day.year);
    if (!closed) {
      closed = new Set(publicHolidays(jurisdiction, day.year));
      years.set(day.year, closed);
    }
    return closed.has(day.toISODate()!);
  };
};

const isBusinessDay = (day: DateTime, isHoliday: (day: DateTime) => boolean) =>
  day.weekday <= 5 && !isHoliday(day);

/**
 * The end (23:59:59.999 local) of the `count`-th business day after the day of `fromIso`, in `timeZone`:
 * "within 4 business days after the determination" (SEC 8-K Item 1.05) ends with the fourth working
 * day that follows the determination's day.
 */
export function endOfBusinessDays(
  fromIso: string,
  count: number,
  timeZone: string,
  jurisdiction?: string,
): string {
  const closed = closedDays(jurisdiction);
  let day = DateTime.fromISO(fromIso, { zone: timeZone }).startOf('day');
  if (!day.isValid) throw new Error(`cannot count business days from "${fromIso}" in "${timeZone}"`);
  for (let counted = 0; counted < count; ) {
    day = day.plus({ days: 1 });
    if (isBusinessDay(day, closed)) counted++;
  }
  return day.endOf('day').toUTC().toISO()!;
}

/** `fromIso` plus `count` calendar days at the same local wall-clock time in `timeZone` (DST-safe). */
export function addCalendarDays(fromIso: string, count: number, timeZone: string): string {
  const start = DateTime.fromISO(fromIso, { zone: timeZone });
  if (!start.isValid) throw new Error(`cannot add days to "${fromIso}" in "${timeZone}"`);
  return start.plus({ days: count }).toUTC().toISO()!;
}
