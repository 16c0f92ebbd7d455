import { threadId } from 'node:worker_threads';

// An init phase that takes a while (a large bundle being imported, say), and says when it ran.
const initStartedAt = Date.now();
await new Promise((resolve) => setTimeout(resolve, Number(process.env.INIT_MS ?? '200')));
const initEndedAt = Date.now();

export const handler = async (event: { readonly sleepMs?: number } | null) => {
  if (event?.sleepMs) await new Promise((resolve) => setTimeout(resolve, event.sleepMs));
  return { initStartedAt, initEndedAt, threadId };
};
