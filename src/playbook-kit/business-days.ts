import { DateTime } from 'luxon';

/**
 * Public holidays that stop a business-day clock, by jurisdiction (ISO dates, local). A starting set
 * for the jurisdictions of the seed cases; legal teams extend it. Weekends never count.
 */
export const holidays: Readonly<Record<string, readonly string[]>> = {
  US: [
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
    '2027-01-01',
  ],
  CA: [
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
    '2027-01-01',
  ],
  JP: [
    '2026-01-01',
    '2026-01-12',
    '2026-02-11',
    '2026-02-23',
    '2026-03-20',
    '2026-04-29',
    '2026-05-04',
    '2026-05-05',
    '2026-05-06',
    '2026-07-20',
    '2026-08-11',
    '2026-09-21',
    '2026-09-22',
    '2026-09-23',
    '2026-10-12',
    '2026-11-03',
    '2026-11-23',
    '2027-01-01',
  ],
};

const isBusinessDay = (day: DateTime, closed: ReadonlySet<string>) =>
  day.weekday <= 5 && !closed.has(day.toISODate()!);

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
  const closed = new Set(jurisdiction ? (holidays[jurisdiction] ?? []) : []);
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
