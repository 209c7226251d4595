import { create } from '@bufbuild/protobuf';
import { log, sleep } from '@temporalio/activity';
import {
  ActivitySayHelloResponseSchema,
  type ActivitySayHelloRequest,
  type ActivitySayHelloResponse,
} from '../../../../protos/gen/ts/timecop/activities/v1/say_hello_pb.js';
import { invalidRequest } from './errors.js';

/** The greeting activity; `delayMs` of simulated work, cancelled with the activity. */
export function createSayHello(delayMs = 0) {
  return async function ActivitySayHelloTypeScript(
    request: ActivitySayHelloRequest,
  ): Promise<ActivitySayHelloResponse> {
    if (request.name.trim() === '') throw invalidRequest('name must not be empty');
    log.info('saying hello', { name: request.name });
    if (delayMs > 0) await sleep(delayMs);
    return create(ActivitySayHelloResponseSchema, {
      greeting: `Hello from a TypeScript Worker, ${request.name}!`,
      workerLanguage: 'typescript',
    });
  };
}

export const ActivitySayHelloTypeScript = createSayHello();
