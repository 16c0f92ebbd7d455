import { portProblem, SHOP_PORTS } from '../preflight/preflight.checks.mjs';

/** A port the stack must listen on is taken; the message names the variable that changes it. */
export class PortInUseError extends Error {
  override readonly name = 'PortInUseError';
  readonly code = 'LOCAL.PORT_IN_USE';
  readonly port: number;

  constructor(message: string, port: number) {
    super(message);
    this.port = port;
  }
}

type PortKey = (typeof SHOP_PORTS)[number]['key'];

const describe = (key: PortKey) => {
  const entry = SHOP_PORTS.find((p) => p.key === key);
  return { variable: entry?.variable ?? key, role: entry?.role ?? key };
};

/** Fails with a {@link PortInUseError} when one of the fixed ports (0 means "any") cannot be listened on. */
export const assertPortsFree = async (root: string, ports: Readonly<Record<PortKey, number>>) => {
  for (const key of ['port', 'edgePort'] as const) {
    const port = ports[key];
    const problem = await portProblem({ root, port, ...describe(key) });
    if (problem) throw new PortInUseError(problem, port);
  }
};

/**
 * For a `listen` that lost a race after {@link assertPortsFree}: `EADDRINUSE` becomes the same
 * {@link PortInUseError}; anything else is rethrown as it is.
 */
export const portInUseErrorOf =
  (root: string, key: PortKey, port: number) =>
  async (error: unknown): Promise<never> => {
    if ((error as NodeJS.ErrnoException | undefined)?.code !== 'EADDRINUSE') throw error;
    const problem = await portProblem({ root, port, ...describe(key) });
    throw new PortInUseError(problem ?? `Port ${port} (${describe(key).variable}) is in use.`, port);
  };
