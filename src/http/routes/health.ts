import type { App, AppDeps } from '../context';
import { problem } from '../problem';
import { router } from '../router';

export function healthRoutes(deps: AppDeps): App {
  const app = router();
  app.get('/healthz', (c) => c.json({ ok: true }));
  app.get('/readyz', async (c) => {
    try {
      await deps.checkReady();
      return c.json({ ok: true, database: 'ok', ...(deps.clockStatus && { clock: deps.clockStatus() }) });
    } catch {
      return problem(c, 'unavailable', 'the database does not answer');
    }
  });
  return app;
}
