import { HttpError } from '../errors';
import { QueueError } from '../queue/queue-error';

/** The queue's domain errors as docs/protocol.md §1 answers them. */
export function httpErrorOf(e: QueueError): HttpError {
  const f = e.fault;
  switch (f.kind) {
    case 'queue_full':
      return new HttpError(503, 'queue_full', e.message, { limit: f.limit });
    case 'not_found':
      return new HttpError(404, 'not_found', e.message);
    case 'no_worker':
      return new HttpError(422, 'no_worker', e.message, {
        missing: f.missing,
        missingModels: f.models,
        missingPacks: f.packs,
      });
    case 'conflict':
      return new HttpError(409, 'conflict', e.message, { state: f.state });
  }
}

/** Run a queue operation; its domain errors leave as HTTP errors, anything else as it is. */
export function queueCall<T>(op: () => T): T {
  try {
    return op();
  } catch (e) {
    throw e instanceof QueueError ? httpErrorOf(e) : e;
  }
}
