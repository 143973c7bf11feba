import { z } from 'zod';

const schema = z
  .object({
    PORT: z.coerce.number().int().min(0).max(65535).default(8080),
    HOST: z.string().min(1).default('127.0.0.1'),
    DATABASE_URL: z
      .string()
      .regex(/^postgres(ql)?:\/\//, 'DATABASE_URL must be a postgres:// URL')
      .optional(),
    HOLDFAST_DATA_DIR: z.string().min(1).default('./.holdfast/data'),
    /** A folder of playbook files (`*.playbook.yaml`) published at start; a broken one stops the start. */
    HOLDFAST_PLAYBOOKS_DIR: z.string().min(1).optional(),
    /** Ed25519 private key (PKCS#8 PEM) that signs checkpoints; default `<HOLDFAST_DATA_DIR>/signing-key.pem`. */
    HOLDFAST_SIGNING_KEY_FILE: z.string().min(1).optional(),
    /** Public keys of retired signing keys; default `retired-keys` beside the key file. */
    HOLDFAST_RETIRED_KEYS_DIR: z.string().min(1).optional(),
    HOLDFAST_ADMIN_TOKEN: z
      .string()
      .min(16, 'HOLDFAST_ADMIN_TOKEN must be at least 16 characters')
      .optional(),
    HOLDFAST_BODY_LIMIT_BYTES: z.coerce.number().int().min(1024).default(1_048_576),
    HOLDFAST_DB_POOL: z.coerce.number().int().min(1).max(200).default(10),
    /** Beyond this distance between the host's clock and the database's, an instance fires no timers. */
    HOLDFAST_MAX_CLOCK_SKEW_MS: z.coerce.number().int().min(0).default(10_000),
    /** Tabletop exercises: injects in a scenario, days it runs (`clock.end`), timers one clock move fires. */
    HOLDFAST_EXERCISE_MAX_INJECTS: z.coerce.number().int().min(1).default(500),
    HOLDFAST_EXERCISE_MAX_DAYS: z.coerce.number().int().min(1).max(3650).default(400),
    HOLDFAST_EXERCISE_MAX_TIMERS_PER_MOVE: z.coerce.number().int().min(1).default(1000),
    HOLDFAST_STREAM_HEARTBEAT_MS: z.coerce.number().int().min(100).max(300_000).default(15_000),
    HOLDFAST_PAYLOAD_MAX_ITEMS: z.coerce.number().int().min(1).default(200),
    HOLDFAST_PAYLOAD_MAX_STRING: z.coerce.number().int().min(1).default(10_000),
    HOLDFAST_CONTEXT_MAX_BYTES: z.coerce.number().int().min(65_536).default(1_048_576),
    /** 0: no limit. */
    HOLDFAST_EVENTS_PER_MINUTE: z.coerce.number().int().min(0).default(120),
    HOLDFAST_STREAMS_PER_TOKEN: z.coerce.number().int().min(1).default(5),
    HOLDFAST_STREAM_REPLAY_MAX: z.coerce.number().int().min(1).default(1000),
    /** OpenID Connect sign-in: the provider's issuer URL. Unset: API tokens only. */
    HOLDFAST_OIDC_ISSUER: z.url({ protocol: /^https?$/ }).optional(),
    /** The dashboard's client at the provider; without it the API still accepts the provider's JWTs. */
    HOLDFAST_OIDC_CLIENT_ID: z.string().min(1).optional(),
    /** A confidential client's secret; a public client signs in with PKCE alone. */
    HOLDFAST_OIDC_CLIENT_SECRET: z.string().min(1).optional(),
    /** The `aud` a JWT must carry to call the API; default HOLDFAST_OIDC_CLIENT_ID. */
    HOLDFAST_OIDC_AUDIENCE: z.string().min(1).optional(),
    /** The claim holding the caller's groups; a dotted path reaches into objects (`realm_access.roles`). */
    HOLDFAST_OIDC_ROLES_CLAIM: z.string().min(1).default('groups'),
    /** `group=role,role;group2=role`: the only way a signed-in user gets roles. */
    HOLDFAST_OIDC_ROLE_MAP: z.string().default(''),
    /** Where users reach this server (`https://holdfast.example.com`) when a proxy stands in front; default: the request's own URL. */
    HOLDFAST_PUBLIC_URL: z.url({ protocol: /^https?$/ }).optional(),
    /** Private or loopback addresses and networks webhooks may reach (`127.0.0.1,10.1.0.0/16`); default none. */
    HOLDFAST_WEBHOOK_ALLOW: z.string().default(''),
    /** How long a webhook POST may take before it counts as failed (and is retried). */
    HOLDFAST_WEBHOOK_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(10_000),
    /** How often each instance looks for webhook messages to send (it also looks at once after its own writes). */
    HOLDFAST_WEBHOOK_POLL_MS: z.coerce.number().int().min(10).max(60_000).default(1_000),
    /**
     * When live incidents send reminders before each deadline and notification clock: offsets such as
     * `24h,4h,1h` (m, h or d), or `off`.
     */
    HOLDFAST_REMINDERS: z
      .string()
      .regex(
        /^(off|[1-9][0-9]*[mhd](,[1-9][0-9]*[mhd])*)$/,
        'HOLDFAST_REMINDERS must be "off" or offsets such as "24h,4h,1h"',
      )
      .default('24h,4h,1h')
      .transform(reminderOffsets),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  })
  .superRefine((config, issues) => {
    if (config.HOLDFAST_OIDC_ISSUER && !config.HOLDFAST_OIDC_AUDIENCE && !config.HOLDFAST_OIDC_CLIENT_ID)
      issues.addIssue({
        code: 'custom',
        path: ['HOLDFAST_OIDC_AUDIENCE'],
        message: 'HOLDFAST_OIDC_ISSUER needs HOLDFAST_OIDC_AUDIENCE or HOLDFAST_OIDC_CLIENT_ID',
      });
  });

/** `24h,4h,1h` as milliseconds, longest first; `off` as none. */
function reminderOffsets(text: string): number[] {
  if (text === 'off') return [];
  const unit = { m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
  const offsets = text
    .split(',')
    .map((part) => Number(part.slice(0, -1)) * unit[part.at(-1) as keyof typeof unit]);
  return [...new Set(offsets)].sort((a, b) => b - a);
}

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
