import { expect } from 'vitest';
import type { Body, Client } from './http';

const HOUR = 3_600_000;

/**
 * Fires `n` concurrent `advance: P1DT1H` clock moves at one exercise through `clients` (round robin), then
 * checks what a facilitator double-clicking must never see: an inject delivered twice, or a clock that moved
 * less than the accepted moves say. Returns how many moves were accepted.
 */
export async function raceClockMoves(clients: Client[], facilitator: Client, n: number): Promise<number> {
  const started = await facilitator.request('POST', '/v1/exercises', {
    body: { scenarioId: 'mabna-universities' },
  });
  expect(started.status).toBe(201);
  const { id, incidentId, clock } = started.body;
  const answers = await Promise.all(
    Array.from({ length: n }, (_, i) =>
      clients[i % clients.length]!.request('POST', `/v1/exercises/${id}/clock`, {
        body: { advance: 'P1DT1H' },
      }),
    ),
  );
  for (const answer of answers) expect([200, 412], JSON.stringify(answer.body)).toContain(answer.status);
  const accepted = answers.filter((answer) => answer.status === 200).length;
  expect(accepted).toBeGreaterThan(0);

  const exercise = (await facilitator.request('GET', `/v1/exercises/${id}`)).body;
  expect(Date.parse(exercise.clock) - Date.parse(clock)).toBe(accepted * 25 * HOUR);
  const deliveredIds = exercise.injects.map((inject: { id: string }) => inject.id);
  expect(new Set(deliveredIds).size).toBe(deliveredIds.length);

  const events: Body[] = (await facilitator.request('GET', `/v1/incidents/${incidentId}/events?limit=1000`))
    .body.items;
  const injectEvents = events
    .filter((event) => event.source === 'inject' && event.type !== 'exercise.inject_delivered')
    .map((event) => event.note.split(':')[0]);
  expect(new Set(injectEvents).size, `inject events: ${injectEvents.join(', ')}`).toBe(injectEvents.length);
  expect(injectEvents.length).toBeGreaterThan(0);
  for (const note of injectEvents) expect(deliveredIds).toContain(note.replace('inject ', ''));
  // The exercise's list of injects is the log's: one delivery record per inject, in the same order.
  const recorded = events
    .filter((event) => event.type === 'exercise.inject_delivered')
    .map((event) => (event.payload as { inject: string }).inject);
  expect(recorded).toEqual(deliveredIds);
  expect((await facilitator.request('GET', `/v1/incidents/${incidentId}/verify`)).body.ok).toBe(true);
  return accepted;
}
