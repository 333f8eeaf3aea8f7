export type { SlackOptions, SlackFields } from './slack.js';
export { slackIntegration, DEFAULT_SLACK_COLOR } from './slack.js';
export type { RenderedSlack } from './payload.js';
export { slackPayload, severityColor, truncate, SLACK_LIMITS } from './payload.js';
