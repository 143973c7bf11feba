import type { OpenAPIHono } from '@hono/zod-openapi';
import type { Engine, PlaybookRegistry, TokenService } from '../engine';
import type { Actor } from '../playbook-kit';
import type { ExerciseService } from '../tabletop';

/** What the routes need; wired by the composition root. */
export interface AppDeps {
  engine: Engine;
  registry: PlaybookRegistry;
  tokens: TokenService;
  exercises: ExerciseService;
  /** Resolves when the database answers; rejects otherwise. */
  checkReady: () => Promise<void>;
  /** Request bodies above this many bytes are refused with 413. */
  bodyLimitBytes: number;
  /** Logs unexpected errors (never sent to clients). */
  logError: (error: unknown, requestId: string) => void;
}

export type AppEnv = { Variables: { actor: Actor; requestId: string } };
export type App = OpenAPIHono<AppEnv>;
