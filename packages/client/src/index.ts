export { createClient } from './client.js';
export type { Client, ClientStats } from './client.js';
export type { Subscription } from './subscription.js';
export type {
  Contract,
  ContractSchema,
  ContractThread,
  DirectPayload,
  PatternThread,
  PayloadOf,
  PayloadSide,
  ThreadOf,
  UntypedContract,
} from './contract.js';
export { clientDefaults } from './options.js';
export type { ClientOptions, ClientTimers, HeartbeatFigures, Transport } from './options.js';
export type {
  ClientEventName,
  ClientEvents,
  ClientMessage,
  ClientPresence,
  ClientState,
  MessageOf,
} from './events.js';
export { ClientError, isClientError } from './errors.js';
export type { ClientErrorCode } from './errors.js';
export { backoffCeiling, backoffDefaults, backoffDelay } from './backoff.js';
export type { BackoffOptions } from './backoff.js';
export { closeAction, closeCodes } from './closeCodes.js';
export type { CloseAction } from './closeCodes.js';
export { compareOffsets } from './offsets.js';
export { jsonCodec } from './codec.js';
export type { ClientCodec } from './codec.js';
export type { WebSocketConstructor, WebSocketLike } from './socket.js';
export { subprotocols, toServerFrame } from './frames.js';
export type {
  AckFrame,
  ClientFrame,
  DirectFrame,
  ErrorFrame,
  JoinFrame,
  LeaveFrame,
  MessageFrame,
  PingFrame,
  PongFrame,
  PresenceDiffFrame,
  PresenceFrame,
  PublishFrame,
  ReconnectFrame,
  RequestId,
  ResumeFrame,
  ResyncFrame,
  ServerFrame,
  WelcomeFrame,
  WireErrorCode,
  WirePresence,
} from './frames.js';
