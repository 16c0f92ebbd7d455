import { type AttributeValue, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { Hono } from 'hono';
import { handle } from 'hono/aws-lambda';

// The warm benchmark's yardstick (the cold start one is `reference.handler.ts`, kept to one GetCommand):
// a bare Hono app, bundled with the functions' own esbuild settings, that can make any DynamoDB call a
// route makes, with the route's own requests (see `planCalls`).
const documents = DynamoDBDocumentClient.from(new DynamoDBClient({}));

const app = new Hono();

// The warm benchmark's zero: Hono routing and the API Gateway adapter, nothing else.
app.get('/ping', (c) => c.json({ ok: true }));

/** A DynamoDB request as it goes over the wire (the tap's recording of a route's call). */
export interface RecordedCall {
  /** `GetItem`, `Query`, ... */
  readonly operation: string;
  /** The request's JSON: attribute values in DynamoDB's typed form (`{ "S": "..." }`). */
  readonly input: Record<string, unknown>;
}

type Input = Record<string, unknown>;

/** Members of a request that hold attribute values, in the typed form on the wire and native in DocumentClient input. */
const ATTRIBUTE_MAPS = new Set(['Key', 'Item', 'ExpressionAttributeValues', 'ExclusiveStartKey']);

/** The DocumentClient input that sends `wire`: every attribute-value map read back into native values. */
const documentInputOf = (wire: unknown): unknown => {
  if (Array.isArray(wire)) return wire.map(documentInputOf);
  if (typeof wire !== 'object' || wire === null) return wire;
  return Object.fromEntries(
    Object.entries(wire).map(([name, value]) => {
      if (ATTRIBUTE_MAPS.has(name)) return [name, unmarshall(value as Record<string, AttributeValue>)];
      if (name === 'Keys' && Array.isArray(value)) {
        return [name, value.map((key) => unmarshall(key as Record<string, AttributeValue>))];
      }
      return [name, documentInputOf(value)];
    }),
  );
};

const COMMANDS: Record<string, (input: Input) => Promise<unknown>> = {
  GetItem: async (input) => (await documents.send(new GetCommand(input as never))).Item,
  Query: async (input) => (await documents.send(new QueryCommand(input as never))).Items,
  BatchGetItem: async (input) => (await documents.send(new BatchGetCommand(input as never))).Responses,
  PutItem: async (input) => documents.send(new PutCommand(input as never)),
  UpdateItem: async (input) => (await documents.send(new UpdateCommand(input as never))).Attributes,
  DeleteItem: async (input) => documents.send(new DeleteCommand(input as never)),
  TransactWriteItems: async (input) => documents.send(new TransactWriteCommand(input as never)),
};

const planned = new Map<string, (() => Promise<unknown>)[]>();

/**
 * Makes `GET /calls/{id}` repeat a route's DynamoDB requests (the tap's recordings), each sent
 * through the DocumentClient as the route's code sends it. The inputs are converted here, once, so a
 * timed request does only what the route's own call does.
 */
export const planCalls = (id: string, calls: readonly RecordedCall[]): void => {
  planned.set(
    id,
    calls.map(({ operation, input }) => {
      const send = COMMANDS[operation];
      if (!send) throw new Error(`the yardstick cannot send ${operation}`);
      const documentInput = documentInputOf(input) as Input;
      return () => send(documentInput);
    }),
  );
};

// The warm benchmark's zero for one route: bare Hono making the same DynamoDB requests as the route
// and answered with the same recorded responses, so the SDK's work on the route's requests and items
// is on both sides and only what the platform and the service add remains.
app.get('/calls/:id', async (c) => {
  let last: unknown;
  for (const send of planned.get(c.req.param('id')) ?? []) last = await send();
  return c.json(last ?? {});
});

export const handler = handle(app);
