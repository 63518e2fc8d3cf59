export { apiHandler } from './handler.js';
export type { ApiHandler } from './handler.js';
export { apiHandlerDefaults } from './options.js';
export type {
  ApiHandlerOptions,
  ApiKey,
  ApiScope,
  ApiValidators,
  PayloadCheck,
} from './options.js';
