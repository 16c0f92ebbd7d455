export { freePort, killWithParent, stopChild } from './child-process.ts';
