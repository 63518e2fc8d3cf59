export { httpTransport } from './httpTransport.js';
export type { HttpTransport } from './httpTransport.js';
export { httpTransportDefaults } from './httpOptions.js';
export type { HttpTransportOptions } from './httpOptions.js';
export type { Authenticate, AuthResult } from '../ws/attachOptions.js';
