import type { KeyAttribute, TableDefinition } from '@shop/platform/service';
import {
  AttributeType,
  Billing,
  type GlobalSecondaryIndexPropsV2,
  ProjectionType,
  StreamViewType,
  TableEncryptionV2,
  TableV2,
} from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import type { StageConfig } from '../stage.config.ts';

const ATTRIBUTE_TYPES = {
  S: AttributeType.STRING,
  N: AttributeType.NUMBER,
  B: AttributeType.BINARY,
} as const;
const STREAM_VIEW_TYPES = {
  NEW_IMAGE: StreamViewType.NEW_IMAGE,
  NEW_AND_OLD_IMAGES: StreamViewType.NEW_AND_OLD_IMAGES,
  KEYS_ONLY: StreamViewType.KEYS_ONLY,
  OLD_IMAGE: StreamViewType.OLD_IMAGE,
} as const;

const attributeOf = (key: KeyAttribute) => ({ name: key.name, type: ATTRIBUTE_TYPES[key.type] });

export interface ServiceTableProps {
  readonly stage: StageConfig;
  readonly definition: TableDefinition;
}

/**
 * A service's one table: on demand, point-in-time recovery, AWS-managed encryption, and the keys,
 * indexes, stream and TTL its definition declares. CloudFormation names it, so a table retained by a
 * deleted prod stack never blocks creating the stack again.
 */
export class ServiceTable extends Construct {
  readonly table: TableV2;

  constructor(scope: Construct, id: string, props: ServiceTableProps) {
    super(scope, id);
    const { definition, stage } = props;
    const globalSecondaryIndexes: GlobalSecondaryIndexPropsV2[] = (
      definition.globalSecondaryIndexes ?? []
    ).map((index) => ({
      indexName: index.indexName,
      partitionKey: attributeOf(index.partitionKey),
      ...(index.sortKey ? { sortKey: attributeOf(index.sortKey) } : {}),
      projectionType: index.projection === 'KEYS_ONLY' ? ProjectionType.KEYS_ONLY : ProjectionType.ALL,
    }));
    this.table = new TableV2(this, 'Table', {
      partitionKey: attributeOf(definition.partitionKey),
      ...(definition.sortKey ? { sortKey: attributeOf(definition.sortKey) } : {}),
      billing: Billing.onDemand(),
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: TableEncryptionV2.awsManagedKey(),
      globalSecondaryIndexes,
      ...(definition.stream ? { dynamoStream: STREAM_VIEW_TYPES[definition.stream] } : {}),
      ...(definition.timeToLiveAttribute ? { timeToLiveAttribute: definition.timeToLiveAttribute } : {}),
      removalPolicy: stage.removalPolicy,
      deletionProtection: stage.deletionProtection,
    });
  }
}
