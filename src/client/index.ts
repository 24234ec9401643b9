export * from './client';
export * from './errors';
export * from './types';
export { normalizeBaseUrl, type TransportOptions } from './http';
export { parseSse, type SseMessage } from './sse';
export * from '../shared/events';
