/**
 * An event source mapping as the Lambda API describes it (`EventSourceMappingConfiguration`, in
 * its wire form: `LastModified` is epoch seconds). Stream-only fields are absent for queues.
 */
export interface EventSourceMappingConfiguration {
  readonly UUID: string;
  readonly EventSourceMappingArn: string;
  readonly EventSourceArn: string;
  /** The function, qualified when the mapping targets an alias (the CDK app's target `live`). */
  readonly FunctionArn: string;
  readonly BatchSize: number;
  readonly MaximumBatchingWindowInSeconds: number;
  readonly FunctionResponseTypes: readonly string[];
  readonly LastModified: number;
  readonly State: 'Creating' | 'Enabling' | 'Enabled' | 'Disabling' | 'Disabled';
  readonly StateTransitionReason: string;
  readonly ScalingConfig?: { readonly MaximumConcurrency: number };
  readonly StartingPosition?: 'TRIM_HORIZON' | 'LATEST';
  readonly ParallelizationFactor?: number;
  readonly MaximumRecordAgeInSeconds?: number;
  readonly MaximumRetryAttempts?: number;
  readonly BisectBatchOnFunctionError?: boolean;
  readonly DestinationConfig?: { readonly OnFailure: { readonly Destination?: string } };
  readonly TumblingWindowInSeconds?: number;
  readonly LastProcessingResult?: string;
}

/** The event source mappings running locally, as the Lambda API lists them. */
export interface EventSourceMappingRegistry {
  /** Adds a mapping; `describe` is asked on every read, so its state is current. */
  add(describe: () => EventSourceMappingConfiguration): void;
  /** Every mapping, in the order they were added. */
  list(): EventSourceMappingConfiguration[];
  get(uuid: string): EventSourceMappingConfiguration | undefined;
}

/**
 * Where the local stack puts the pollers it starts, for `ListEventSourceMappings` and
 * `GetEventSourceMapping` to read.
 *
 * @example
 * const registry = createEventSourceMappingRegistry();
 * startEdge([createLambdaApi(host, { eventSourceMappings: registry })]);
 * startEventSources({ ...options, registry });
 */
export const createEventSourceMappingRegistry = (): EventSourceMappingRegistry => {
  const mappings: (() => EventSourceMappingConfiguration)[] = [];
  return {
    add: (describe) => void mappings.push(describe),
    list: () => mappings.map((describe) => describe()),
    get: (uuid) => mappings.map((describe) => describe()).find((mapping) => mapping.UUID === uuid),
  };
};
