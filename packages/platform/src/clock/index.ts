export { type Clock, nowOf, systemClock } from './clock.ts';
