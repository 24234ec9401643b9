export * from './client';
export * from './errors';
export * from './types';
export { normalizeBaseUrl, proxyFromEnv, type TransportOptions } from './http';
export { parseSse, parseSseBatches, type SseMessage } from './sse';
export * from '../shared/events';
export { fetchRunExtras, trimCheckpoint, type RunExtras } from './extras';
export { readHistory, historyCovers } from './threadHistory';
export { fetchSessionGraph } from './graph';
