export type { WebhookOptions } from './webhook.js';
export { webhookIntegration, webhookPayload } from './webhook.js';
