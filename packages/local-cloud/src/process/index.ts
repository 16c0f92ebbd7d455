export { freePort, isProcessAlive, killWithParent, stopChild } from './child-process.ts';
