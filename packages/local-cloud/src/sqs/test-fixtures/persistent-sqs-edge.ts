// A process holding an SQS engine with a data dir behind an edge, for tests that kill it with SIGKILL.
import { startEdge } from '../../edge/edge.server.ts';
import { createSqsEdgeHandler } from '../sqs.edge.ts';
import { SqsEngine } from '../sqs.engine.ts';

const dataDir = process.argv[2];
if (!dataDir) throw new Error('usage: persistent-sqs-edge.ts <data dir>');
const engine = new SqsEngine({ dataDir });
const edge = await startEdge([createSqsEdgeHandler(engine)]);
process.stdout.write(`READY ${edge.url}\n`);
