/** The WebSocket messages of docs/protocol.md §4 that are not job events. */
import { type Static, Type } from '@sinclair/typebox';
import { ClientId, JobId, QueueStatus } from './jobs';

export const PROTOCOL_VERSION = 1;
export const MAX_SUBSCRIPTIONS = 256;
export const WS_MAX_MESSAGE_BYTES = 64 * 1024;

/** `GET /api/ws?clientId=…` */
export const WsQuery = Type.Object({ clientId: Type.Optional(ClientId) }, { additionalProperties: false });
export type WsQuery = Static<typeof WsQuery>;

const JobIds = Type.Array(JobId, { minItems: 1, maxItems: MAX_SUBSCRIPTIONS });

export const SubscribeMessage = Type.Object({
  type: Type.Literal('subscribe'),
  jobIds: JobIds,
  /** Replay the stored events after this seq, per job. */
  afterSeq: Type.Optional(Type.Record(Type.String(), Type.Integer({ minimum: 0 }))),
});
export const UnsubscribeMessage = Type.Object({ type: Type.Literal('unsubscribe'), jobIds: JobIds });
export const PingMessage = Type.Object({ type: Type.Literal('ping'), id: Type.Optional(Type.Unknown()) });

/** Client → server (JSON text frames). */
export const ClientMessage = Type.Union([SubscribeMessage, UnsubscribeMessage, PingMessage]);
export type ClientMessage = Static<typeof ClientMessage>;

export const PackLoadState = Type.Union([Type.Literal('loaded'), Type.Literal('error')]);

/** Connection-level server messages (no `jobId`, no `seq`). */
export const HelloMessage = Type.Object({
  type: Type.Literal('hello'),
  protocol: Type.Integer(),
  clientId: Type.String(),
  serverVersion: Type.String(),
  queue: QueueStatus,
});
export const SubscribedMessage = Type.Object({
  type: Type.Literal('subscribed'),
  jobIds: Type.Array(Type.String()),
});
export const UnsubscribedMessage = Type.Object({
  type: Type.Literal('unsubscribed'),
  jobIds: Type.Array(Type.String()),
});
export const PongMessage = Type.Object({ type: Type.Literal('pong'), id: Type.Optional(Type.Unknown()) });
export const WsErrorMessage = Type.Object({
  type: Type.Literal('error'),
  error: Type.Union([
    Type.Literal('bad_message'),
    Type.Literal('not_found'),
    Type.Literal('too_many_subscriptions'),
    Type.Literal('internal'),
  ]),
  message: Type.String(),
  jobIds: Type.Optional(Type.Array(Type.String())),
});
/** After a pack hot reload: refetch `GET /api/catalog`. */
export const CatalogChangedMessage = Type.Object({
  type: Type.Literal('catalog:changed'),
  at: Type.Number(),
  nodes: Type.Integer(),
  packs: Type.Array(
    Type.Object({ name: Type.String(), status: PackLoadState, errors: Type.Array(Type.String()) }),
  ),
});

export const ConnectionMessage = Type.Union([
  HelloMessage,
  SubscribedMessage,
  UnsubscribedMessage,
  PongMessage,
  WsErrorMessage,
  CatalogChangedMessage,
]);
export type ConnectionMessage = Static<typeof ConnectionMessage>;
