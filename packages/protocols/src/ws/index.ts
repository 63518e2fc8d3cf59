export { attach } from './attach.js';
export type { AttachHandle } from './attach.js';
export { attachDefaults } from './attachOptions.js';
export type { AttachOptions, Authenticate, AuthResult, UpgradeServer } from './attachOptions.js';
export { createWsAdapter, wsAdapterDefaults } from './wsSocket.js';
export type { PreparedMessage, WsAdapter, WsAdapterOptions, WsSocketOptions } from './wsSocket.js';
export { frameMessage } from './frame.js';
export { isWsWebSocket, wsProtocolHandler } from './wsHandler.js';
