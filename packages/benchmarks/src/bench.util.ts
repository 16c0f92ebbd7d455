/** `body.field` when `body` is an object holding a string there. */
export const stringField = (body: unknown, field: string): string | undefined => {
  if (typeof body !== 'object' || body === null) return undefined;
  const value = (body as Record<string, unknown>)[field];
  return typeof value === 'string' ? value : undefined;
};

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
