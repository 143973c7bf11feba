import type { App, AppDeps } from '../context';
import { problem } from '../problem';

export function healthRoutes(app: App, deps: AppDeps): void {
  app.get('/healthz', (c) => c.json({ ok: true }));
  app.get('/readyz', async (c) => {
    try {
      await deps.checkReady();
      return c.json({ ok: true, database: 'ok' });
    } catch {
      return problem(c, 'unavailable', 'the database does not answer');
    }
  });
}
