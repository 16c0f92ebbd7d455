export {
  LOST_RACE,
  type LostRace,
  type LostRaceRetryOptions,
  MAX_RACES,
  retryLostRaces,
} from './lost-race.retry.ts';
