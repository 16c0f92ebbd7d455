import * as z from 'zod';

export class EnvError extends Error {
  readonly variables: readonly string[];

  constructor(variables: readonly string[], detail: string) {
    super(`invalid environment: ${detail}`);
    this.name = 'EnvError';
    this.variables = variables;
  }
}

/**
 * Parses the environment once, at cold start, so a misconfigured function fails before serving a
 * request, naming every missing or invalid variable.
 *
 * @example
 * export const env = parseEnv(z.object({ TABLE_NAME: z.string().min(1) }));
 */
export const parseEnv = <T extends z.ZodObject>(
  schema: T,
  source: Record<string, string | undefined> = process.env,
): z.infer<T> => {
  const result = schema.safeParse(source);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const name = String(issue.path[0] ?? '?');
    return { name, text: source[name] === undefined ? `${name} is missing` : `${name}: ${issue.message}` };
  });
  throw new EnvError(
    problems.map((p) => p.name),
    problems.map((p) => p.text).join('; '),
  );
};

/**
 * A getter that parses the environment on its first call and returns the same value after: a
 * function reads only the variables it needs, once, and fails on the first request when one is bad.
 *
 * @example
 * export const taskEnv = lazyEnv(PlatformEnv.extend({ TABLE_NAME: z.string().min(1) }));
 */
export const lazyEnv = <T extends z.ZodObject>(schema: T): (() => z.infer<T>) => {
  let parsed: z.infer<T> | undefined;
  return () => {
    parsed ??= parseEnv(schema);
    return parsed;
  };
};

/** Variables every function of the platform reads (set by the CDK app and by the local runtime alike). */
export const PlatformEnv = z.object({
  AWS_REGION: z.string().min(1).default('us-east-1'),
  SERVICE_NAME: z.string().min(1),
  LOG_LEVEL: z.enum(['DEBUG', 'INFO', 'WARN', 'ERROR', 'SILENT', 'CRITICAL']).default('INFO'),
});

/** Variables of functions that verify end-user tokens. */
export const AuthEnv = z.object({
  AUTH_ISSUER: z.url(),
  AUTH_AUDIENCE: z.string().min(1),
  AUTH_JWKS_URL: z.url(),
});

export type PlatformEnv = z.infer<typeof PlatformEnv>;
export type AuthEnv = z.infer<typeof AuthEnv>;
