export type { V2RouterOptions } from './v2-router.js';
export { createV2Router } from './v2-router.js';
