export {
  MAX_RETRY_DELAY_MS,
  outcomeOf,
  type StreamEventSource,
  StreamEventSourceConfigError,
  type StreamEventSourceOptions,
  type StreamEventSourceStats,
  type StreamFailureRecord,
  StreamRecordsDiscardedError,
  startStreamEventSource,
  streamFailureRecordOf,
} from './stream-event-source.poller.ts';
export { toLambdaAttributeValue, toLambdaImage, toLambdaStreamRecord } from './stream-record.mapper.ts';
