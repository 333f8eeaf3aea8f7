export type { EmailOptions } from './email.js';
export { emailIntegration } from './email.js';
