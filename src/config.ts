import { z } from 'zod';

const schema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  HOST: z.string().min(1).default('127.0.0.1'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'DATABASE_URL must be a postgres:// URL')
    .optional(),
  HOLDFAST_DATA_DIR: z.string().min(1).default('./.holdfast/data'),
  HOLDFAST_ADMIN_TOKEN: z.string().min(16, 'HOLDFAST_ADMIN_TOKEN must be at least 16 characters').optional(),
  HOLDFAST_BODY_LIMIT_BYTES: z.coerce.number().int().min(1024).default(1_048_576),
  HOLDFAST_DB_POOL: z.coerce.number().int().min(1).max(200).default(10),
  /** Beyond this distance between the host's clock and the database's, an instance fires no timers. */
  HOLDFAST_MAX_CLOCK_SKEW_MS: z.coerce.number().int().min(0).default(10_000),
  /** Tabletop exercises: injects in a scenario, days it runs (`clock.end`), timers one clock move fires. */
  HOLDFAST_EXERCISE_MAX_INJECTS: z.coerce.number().int().min(1).default(500),
  HOLDFAST_EXERCISE_MAX_DAYS: z.coerce.number().int().min(1).max(3650).default(400),
  HOLDFAST_EXERCISE_MAX_TIMERS_PER_MOVE: z.coerce.number().int().min(1).default(1000),
  HOLDFAST_STREAM_HEARTBEAT_MS: z.coerce.number().int().min(100).max(300_000).default(15_000),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export type Config = z.infer<typeof schema>;

/** The only reader of the environment: validated once, failing fast with every problem listed. */
export function loadConfig(
  overrides: Partial<Record<keyof Config, unknown>> = {},
  env: NodeJS.ProcessEnv = process.env,
): Config {
  // An empty variable or flag means "not set", so defaults apply.
  const given = (value: unknown) => (value === '' ? undefined : value);
  const raw = Object.fromEntries(
    Object.keys(schema.shape).map((key) => [key, given(overrides[key as keyof Config]) ?? given(env[key])]),
  );
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw new Error(`invalid configuration:\n${z.prettifyError(parsed.error)}`);
  return parsed.data;
}
