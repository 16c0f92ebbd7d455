// An init phase that takes a while (a large bundle being imported, say), and says when it ran.
const initStartedAt = Date.now();
await new Promise((resolve) => setTimeout(resolve, Number(process.env.INIT_MS ?? '200')));
const initEndedAt = Date.now();

export const handler = async () => ({ initStartedAt, initEndedAt });
