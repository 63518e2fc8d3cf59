export { createManager } from './manager.js';
export type {
  ClusterStats,
  CloseOptions,
  ConnectOptions,
  DisconnectOptions,
  HistoryMessage,
  HistoryOptions,
  HistoryPage,
  Manager,
  PresenceOptions,
  ManagerHealth,
  ManagerStats,
  Plugin,
  PluginContext,
  RefreshCredentials,
  RefreshedCredentials,
  WelcomeFields,
  UserPresence,
} from './api.js';
export type { ManagerSends, SendOptions, ThreadSendOptions } from './managerSends.js';
export { historyDefaults, managerDefaults } from './options.js';
export { presenceDefaults, presencePageDefaults } from './presenceOptions.js';
export type { PresenceDiffOptions } from './presenceOptions.js';
export type {
  AuthorizeContext,
  ManagerOptions,
  ResolvedLimits,
  SlowConsumerPolicy,
} from './options.js';
export type { SendResult, DropCause } from './sendResult.js';
export type {
  DisconnectInfo,
  DroppedInfo,
  ErrorInfo,
  EvictedInfo,
  ManagerEventName,
  ManagerEvents,
  ManagerListener,
} from './events.js';

export { CloseCode, closeCodeTable, closeCodeLabel, shouldReconnect } from './closeCodes.js';
export type { CloseAdvice, CloseCodeInfo, CloseCodeValue } from './closeCodes.js';
export { checkOptionKeys, nearestKey } from './optionKeys.js';
export type { OptionKeys } from './optionKeys.js';
export { WsError, errorCodes, isWsError, isWireErrorCode, toWsError } from './errors.js';
export type { WireErrorCode, WsErrorCode } from './errors.js';

export { connectionId, isThreadId, isUserId, threadId, userId } from './ids.js';
export type { ConnectionId, InstanceId, Offset, ThreadId, UserId } from './ids.js';
export { compareOffsets, isOffset, maxOffset } from './offsets.js';
export { threadGlob } from './threadGlob.js';
export type { ThreadGlob } from './threadGlob.js';
export { threadGlobOverlap } from './threadGlobOverlap.js';
export { defineContract } from './contract.js';
export type { ContractOptions } from './contract.js';
export type {
  Contract,
  ContractCheck,
  ContractFailure,
  ContractIssue,
  ContractPass,
  ContractSchemas,
  ContractThread,
  ContractThreadsOf,
  DirectPayload,
  PatternThread,
  PayloadOf,
  PayloadSide,
  ThreadOf,
} from './contractTypes.js';
export type { StandardSchemaV1 } from './standardSchema.js';

export {
  ackFrame,
  directMessageFrame,
  errorFrame,
  pingFrame,
  pongFrame,
  reconnectFrame,
  resyncFrame,
  subprotocols,
  threadMessageFrame,
} from './frames.js';
export type {
  AckFrame,
  ClientFrame,
  ClientFrameType,
  DirectFrame,
  ErrorFrame,
  Frame,
  JoinFrame,
  LeaveFrame,
  MessageFrame,
  PingFrame,
  PongFrame,
  PresenceDiffFrame,
  PresenceFrame,
  PublishFrame,
  ReconnectFrame,
  RefreshFrame,
  RequestId,
  ResumeFrame,
  ResyncFrame,
  ServerFrame,
  WelcomeFrame,
  WirePresence,
} from './frames.js';
export { createFrameValidator } from './validateFrame.js';
export type { FrameCheck, FrameValidator } from './validateFrame.js';

export { ReadyState } from './socket.js';
export type { SocketLike } from './socket.js';
export type { ReceiveOutcome, ReceiveRequest, ReceiveResult } from './remoteTypes.js';
export { createJsonCodec, jsonCodecDefaults, jsonDepthExceeds } from './codec.js';
export type { Codec, JsonCodecOptions } from './codec.js';
export { toWireData } from './serialize.js';
export type { WireData } from './serialize.js';

export type {
  AdmitResult,
  ClusterAdapter,
  ClusterContext,
  ClusterHealth,
  ConnectionSendOutcome,
  DeliveryTarget,
  HistoryRead,
  HistoryResult,
  InstanceInfo,
  LocalConnectionInfo,
  LocalScope,
  MaybePromise,
  PresenceChange,
  PresenceMember,
  PresencePage,
  PublishOutcome,
  RemoteConnection,
  SessionRecord,
  ThreadPresence,
  ThreadPublishOutcome,
  UserClose,
  UserLimitPolicy,
  UserLocation,
} from './cluster.js';
export { localCluster } from './localCluster.js';
export type { LocalClusterOptions } from './localCluster.js';
export { memoryHubDefaults } from './memoryHub.js';
export type { MemoryHubOptions, MemoryAdapterOptions } from './memoryHub.js';

export type { Connection, InboundMiddleware, OutboundMiddleware } from './connection.js';
export type { ClientFrameOf, ServerFrameOf } from './contractFrames.js';

export { createMetricsRegistry } from './metricsRegistry.js';
export { defaultBuckets } from './metrics.js';
export type {
  Counter,
  Gauge,
  GaugeOptions,
  Histogram,
  HistogramOptions,
  HistogramSample,
  Labels,
  MetricKind,
  MetricOptions,
  MetricSnapshot,
  MetricsRegistry,
  Sample,
} from './metrics.js';

export { systemClock } from './clock.js';
export type { Clock, TimerHandle } from './clock.js';
export { consoleLogger, redactUrl, silentLogger } from './logger.js';
export type { LogFields, Logger } from './logger.js';
