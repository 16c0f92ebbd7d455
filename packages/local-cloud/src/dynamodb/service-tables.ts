import {
  type AttributeDefinition,
  CreateTableCommand,
  DescribeTableCommand,
  type DynamoDBClient,
  ResourceInUseException,
  UpdateTableCommand,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import type { KeyAttribute, ServiceDefinition, TableDefinition } from '@shop/platform/service';

import { localTableName } from '../stack/local-defaults.ts';

export { localTableName };

const attributeDefinitions = (table: TableDefinition): AttributeDefinition[] => {
  const keys = new Map<string, KeyAttribute>();
  const add = (key: KeyAttribute | undefined) => {
    if (key) keys.set(key.name, key);
  };
  add(table.partitionKey);
  add(table.sortKey);
  for (const gsi of table.globalSecondaryIndexes ?? []) {
    add(gsi.partitionKey);
    add(gsi.sortKey);
  }
  return [...keys.values()].map((key) => ({ AttributeName: key.name, AttributeType: key.type }));
};

const keySchema = (partitionKey: KeyAttribute, sortKey: KeyAttribute | undefined) => [
  { AttributeName: partitionKey.name, KeyType: 'HASH' as const },
  ...(sortKey ? [{ AttributeName: sortKey.name, KeyType: 'RANGE' as const }] : []),
];

/**
 * A table kept by `--persist` from before a service added an index gets it, as a CloudFormation update
 * of the deployed table would (UpdateTable, one index per call as DynamoDB requires).
 */
const addMissingIndexes = async (client: DynamoDBClient, name: string, table: TableDefinition) => {
  const described = await client.send(new DescribeTableCommand({ TableName: name }));
  const existing = new Set((described.Table?.GlobalSecondaryIndexes ?? []).map((gsi) => gsi.IndexName));
  for (const gsi of table.globalSecondaryIndexes ?? []) {
    if (existing.has(gsi.indexName)) continue;
    await client.send(
      new UpdateTableCommand({
        TableName: name,
        AttributeDefinitions: attributeDefinitions(table),
        GlobalSecondaryIndexUpdates: [
          {
            Create: {
              IndexName: gsi.indexName,
              KeySchema: keySchema(gsi.partitionKey, gsi.sortKey),
              Projection: { ProjectionType: gsi.projection ?? 'ALL' },
            },
          },
        ],
      }),
    );
  }
};

/** Creates the table of a service as its definition says; an existing table (with `--persist`) is kept. */
export const createServiceTable = async (
  client: DynamoDBClient,
  name: string,
  table: TableDefinition,
): Promise<{ streamArn?: string }> => {
  const gsis = table.globalSecondaryIndexes ?? [];
  try {
    const created = await client.send(
      new CreateTableCommand({
        TableName: name,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: attributeDefinitions(table),
        KeySchema: keySchema(table.partitionKey, table.sortKey),
        ...(gsis.length > 0
          ? {
              GlobalSecondaryIndexes: gsis.map((gsi) => ({
                IndexName: gsi.indexName,
                KeySchema: keySchema(gsi.partitionKey, gsi.sortKey),
                Projection: { ProjectionType: gsi.projection ?? 'ALL' },
              })),
            }
          : {}),
        ...(table.stream
          ? { StreamSpecification: { StreamEnabled: true, StreamViewType: table.stream } }
          : {}),
      }),
    );
    if (table.timeToLiveAttribute) {
      await client.send(
        new UpdateTimeToLiveCommand({
          TableName: name,
          TimeToLiveSpecification: { AttributeName: table.timeToLiveAttribute, Enabled: true },
        }),
      );
    }
    // A new table's description already names its stream.
    const streamArn = created.TableDescription?.LatestStreamArn;
    return streamArn ? { streamArn } : {};
  } catch (error) {
    if (!(error instanceof ResourceInUseException)) throw error;
    await addMissingIndexes(client, name, table);
  }
  const described = await client.send(new DescribeTableCommand({ TableName: name }));
  const streamArn = described.Table?.LatestStreamArn;
  return streamArn ? { streamArn } : {};
};

export interface ServiceTable {
  readonly service: string;
  readonly tableName: string;
  readonly streamArn?: string;
}

export const createServiceTables = async (
  client: DynamoDBClient,
  services: readonly ServiceDefinition[],
): Promise<ServiceTable[]> =>
  Promise.all(
    services.flatMap((service) =>
      service.table
        ? [
            createServiceTable(client, localTableName(service.name), service.table).then((created) => ({
              service: service.name,
              tableName: localTableName(service.name),
              ...created,
            })),
          ]
        : [],
    ),
  );
