export { createDashboardRouter, publicDir } from './server.js';
export type { DashboardOptions } from './server.js';
