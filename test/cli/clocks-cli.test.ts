import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { notificationClocks } from '../../src/playbook-kit';
import { cleanEnv, holdfastBin } from '../support/processes';

const run = promisify(execFile);
const env = cleanEnv();
const holdfast = (...args: string[]) =>
  run(process.execPath, [holdfastBin, ...args], { env }).then(
    (result) => ({ code: 0, ...result }),
    (error: { code: number; stdout: string; stderr: string }) => error,
  );

describe('holdfast clocks', () => {
  it('lists every clock with its deadline, calendar and basis', async () => {
    const result = await holdfast('clocks', 'list');
    expect(result.code).toBe(0);
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines.map((line) => line.split('\t')[0])).toEqual(notificationClocks.map((c) => c.id));
    expect(lines).toContain(
      'sec-8k-105\t4 business days\tUS, America/New_York\trule\tSEC Form 8-K Item 1.05 (4 business days after the materiality determination)',
    );
    expect(lines.find((line) => line.startsWith('visa-initial-report\t'))).toContain(
      "organisation's country, incident's time zone",
    );
  });

  it("computes a Japanese registrant's 8-K deadline on the US federal calendar, naming the holiday it skipped", async () => {
    const result = await holdfast(
      'clocks',
      'due',
      'sec-8k-105',
      '--anchor',
      '2027-01-14T10:00:00-05:00',
      '--tz',
      'Asia/Tokyo',
      '--country',
      'JP',
    );
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('anchor    2027-01-14T15:00:00.000Z\n');
    expect(result.stdout).toContain(
      'due       2027-01-21T22:30:00.000Z (2027-01-21 17:30:00 GMT-5 in America/New_York)\n',
    );
    expect(result.stdout).toContain('calendar  US, America/New_York\n');
    expect(result.stdout).toContain('skipped   2027-01-18 Martin Luther King Jr. Day\n');
  });

  it('uses --tz and --country for a clock without a calendar of its own (Canada Day 2030)', async () => {
    const result = await holdfast(
      'clocks',
      'due',
      'visa-initial-report',
      '--anchor',
      '2030-06-27T10:00:00-04:00',
      '--tz',
      'America/Toronto',
      '--country',
      'CA',
    );
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('due       2030-07-04T03:59:59.999Z');
    expect(result.stdout).toContain('skipped   2030-07-01 Canada Day\n');
  });

  it.each([
    [['nope', '--anchor', '2027-01-14T10:00:00Z'], 'no notification clock nope'],
    [['sec-8k-105', '--anchor', '2027-01-14'], 'an ISO 8601 time with offset'],
    [['sec-8k-105', '--anchor', '1969-12-31T00:00:00Z'], 'the earliest time accepted'],
    [['sec-8k-105', '--anchor', '2027-01-14T10:00:00Z', '--tz', 'Mars/Olympus'], 'an IANA time zone'],
    [['sec-8k-105'], "required option '--anchor <time>' not specified"],
  ])('refuses %j', async (args, message) => {
    const result = await holdfast('clocks', 'due', ...args);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(message);
    expect(result.stdout).toBe('');
  });
});
