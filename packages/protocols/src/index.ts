export { createCodec } from './codecs.js';
export type { CodecContext } from './codecs.js';
export { createJsonCodec, jsonCodecDefaults, subprotocols } from '@ws/core';
export { createMsgpackCodec, msgpackCodecDefaults } from './msgpackCodec.js';
export type { MsgpackCodecOptions } from './msgpackCodec.js';
export { msgpackDepthExceeds } from './msgpackDepth.js';
export { createLegacyCodec, legacyMetricName, legacyWarningCode } from './legacyCodec.js';
export type { LegacyCodec, LegacyCodecOptions } from './legacyCodec.js';
export { clientVersionBucket, clientVersionDefaults } from './clientVersion.js';
export {
  isSubprotocol,
  negotiateSubprotocol,
  parseProtocolHeader,
  supportedSubprotocols,
} from './negotiate.js';
export type { Negotiation, Subprotocol } from './negotiate.js';
export { wrapWhatwgSocket, whatwgSocketDefaults } from './whatwgSocket.js';
export type { WhatwgSocketOptions, WhatwgWebSocket } from './whatwgSocket.js';
export { fromWhatwgCloseCode, toWhatwgCloseCode } from './whatwgCloseCode.js';
export { createProtocolRegistry, isWhatwgWebSocket, whatwgProtocolHandler } from './registry.js';
export type { ProtocolHandler, ProtocolRegistry, WrapOptions } from './registry.js';
