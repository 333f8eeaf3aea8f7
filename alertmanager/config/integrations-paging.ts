/**
 * Paging and incident integrations (PagerDuty, OpsGenie, VictorOps, Pushover,
 * SNS, incident.io): kubepulse does not send to them, but validates their
 * config exactly as Alertmanager does so the same files load and fail here.
 */
import { plainStruct, anyValue, bool, int, list, map, str, stringMap, type Decoded } from './decoder.js';
import { goDuration, textGoDuration } from './duration.js';
import { sigv4Config } from './http-config.js';
import { COMMON_SPEC, fail, notifier, set, templateSyntaxError } from './notifier.js';
import { secret, url } from './url.js';

// ---- PagerDuty ------------------------------------------------------------------------
const PAGERDUTY_SPEC = {
  ...COMMON_SPEC,
  service_key: secret,
  service_key_file: str,
  routing_key: secret,
  routing_key_file: str,
  url,
  client: str,
  client_url: str,
  description: str,
  details: map(anyValue, 'map[string]interface {}'),
  images: list(plainStruct('pagerduty.Image', { src: str, alt: str, href: str }), '[]pagerduty.Image'),
  links: list(plainStruct('pagerduty.Link', { href: str, text: str }), '[]pagerduty.Link'),
  source: str,
  severity: str,
  class: str,
  component: str,
  group: str,
  timeout: goDuration,
};
const PAGERDUTY_DETAILS: Readonly<Record<string, string>> = {
  firing: '{{ .Alerts.Firing | toJson }}',
  resolved: '{{ .Alerts.Resolved | toJson }}',
  num_firing: '{{ .Alerts.Firing | len }}',
  num_resolved: '{{ .Alerts.Resolved | len }}',
};
export const pagerdutyConfig = notifier(
  'pagerduty.plain',
  PAGERDUTY_SPEC,
  () => ({
    send_resolved: true,
    description: '{{ template "pagerduty.default.description" .}}',
    client: '{{ template "pagerduty.default.client" . }}',
    client_url: '{{ template "pagerduty.default.clientURL" . }}',
  }),
  (c) => {
    if (!set(c.routing_key) && !set(c.service_key) && !set(c.routing_key_file) && !set(c.service_key_file)) {
      fail('missing service or routing key in PagerDuty config');
    }
    if (set(c.routing_key) && set(c.routing_key_file))
      fail('at most one of routing_key & routing_key_file must be configured');
    if (set(c.service_key) && set(c.service_key_file))
      fail('at most one of service_key & service_key_file must be configured');
    c.details = { ...PAGERDUTY_DETAILS, ...c.details };
    if (!c.source) c.source = c.client;
  },
);

// ---- OpsGenie -------------------------------------------------------------------------
const OPSGENIE_TYPES = /^(team|teams|user|escalation|schedule)$/;
const RESPONDER_SPEC = { id: str, name: str, username: str, type: str };
const OPSGENIE_SPEC = {
  ...COMMON_SPEC,
  api_key: secret,
  api_key_file: str,
  api_url: url,
  message: str,
  description: str,
  source: str,
  details: stringMap,
  entity: str,
  responders: list(plainStruct('opsgenie.Responder', RESPONDER_SPEC), '[]opsgenie.Responder'),
  actions: str,
  tags: str,
  note: str,
  priority: str,
  update_alerts: bool,
};
const goStruct = (r: Decoded<typeof RESPONDER_SPEC>): string =>
  `{${r.id ?? ''} ${r.name ?? ''} ${r.username ?? ''} ${r.type ?? ''}}`;
export const opsgenieConfig = notifier(
  'opsgenie.plain',
  OPSGENIE_SPEC,
  () => ({
    send_resolved: true,
    message: '{{ template "opsgenie.default.message" . }}',
    description: '{{ template "opsgenie.default.description" . }}',
    source: '{{ template "opsgenie.default.source" . }}',
  }),
  (c) => {
    if (set(c.api_key) && set(c.api_key_file)) fail('at most one of api_key & api_key_file must be configured');
    for (const r of c.responders ?? []) {
      if (!r) continue;
      if (!r.id && !r.username && !r.name)
        fail(`opsGenieConfig responder ${goStruct(r)} has to have at least one of id, username or name specified`);
      const t = r.type ?? '';
      if (t.includes('{{')) {
        const e = templateSyntaxError(t);
        if (e) fail(`opsGenieConfig responder ${goStruct(r)} type is not a valid template: ${e}`);
      } else {
        r.type = t.toLowerCase();
        if (!OPSGENIE_TYPES.test(r.type))
          fail(`opsGenieConfig responder ${goStruct(r)} type does not match valid options ${OPSGENIE_TYPES.source}`);
      }
    }
  },
);

// ---- VictorOps ------------------------------------------------------------------------
const VICTOROPS_RESERVED = [
  'routing_key',
  'message_type',
  'state_message',
  'entity_display_name',
  'monitoring_tool',
  'entity_id',
  'entity_state',
];
const VICTOROPS_SPEC = {
  ...COMMON_SPEC,
  api_key: secret,
  api_key_file: str,
  api_url: url,
  routing_key: str,
  message_type: str,
  state_message: str,
  entity_display_name: str,
  monitoring_tool: str,
  custom_fields: stringMap,
};
export const victoropsConfig = notifier(
  'victorops.plain',
  VICTOROPS_SPEC,
  () => ({
    send_resolved: true,
    message_type: 'CRITICAL',
    state_message: '{{ template "victorops.default.state_message" . }}',
    entity_display_name: '{{ template "victorops.default.entity_display_name" . }}',
    monitoring_tool: '{{ template "victorops.default.monitoring_tool" . }}',
  }),
  (c) => {
    if (!c.routing_key) fail('missing Routing key in VictorOps config');
    if (set(c.api_key) && set(c.api_key_file)) fail('at most one of api_key & api_key_file must be configured');
    for (const f of VICTOROPS_RESERVED) {
      if (c.custom_fields && Object.hasOwn(c.custom_fields, f)) {
        fail(
          `victorOps config contains custom field ${f} which cannot be used as it conflicts with the fixed/static fields`,
        );
      }
    }
  },
);

// ---- Pushover -------------------------------------------------------------------------
const PUSHOVER_SPEC = {
  ...COMMON_SPEC,
  user_key: secret,
  user_key_file: str,
  token: secret,
  token_file: str,
  title: str,
  message: str,
  url: str,
  url_title: str,
  device: str,
  sound: str,
  priority: str,
  retry: textGoDuration,
  expire: textGoDuration,
  ttl: textGoDuration,
  html: bool,
  monospace: bool,
};
export const pushoverConfig = notifier(
  'pushover.plain',
  PUSHOVER_SPEC,
  () => ({
    send_resolved: true,
    title: '{{ template "pushover.default.title" . }}',
    message: '{{ template "pushover.default.message" . }}',
    url: '{{ template "pushover.default.url" . }}',
    priority: '{{ if eq .Status "firing" }}2{{ else }}0{{ end }}',
    retry: 60_000,
    expire: 3_600_000,
    html: false,
  }),
  (c) => {
    if (!set(c.user_key) && !set(c.user_key_file)) fail('one of user_key or user_key_file must be configured');
    if (set(c.user_key) && set(c.user_key_file)) fail('at most one of user_key & user_key_file must be configured');
    if (!set(c.token) && !set(c.token_file)) fail('one of token or token_file must be configured');
    if (set(c.token) && set(c.token_file)) fail('at most one of token & token_file must be configured');
    if (c.html && c.monospace) fail('at most one of monospace & html must be configured');
  },
);

// ---- SNS ------------------------------------------------------------------------------
const SNS_SPEC = {
  ...COMMON_SPEC,
  api_url: str,
  sigv4: sigv4Config,
  topic_arn: str,
  phone_number: str,
  target_arn: str,
  subject: str,
  message: str,
  attributes: stringMap,
  use_aws_http_client: bool,
};
export const snsConfig = notifier(
  'sns.plain',
  SNS_SPEC,
  () => ({
    send_resolved: true,
    subject: '{{ template "sns.default.subject" . }}',
    message: '{{ template "sns.default.message" . }}',
  }),
  (c) => {
    // Exactly one of the three, as Go's chained != on the three emptiness flags says.
    const a = !c.target_arn;
    const b = !c.topic_arn;
    const p = !c.phone_number;
    if ((a !== b) !== p) fail('must provide either a Target ARN, Topic ARN, or Phone Number for SNS config');
  },
);

// ---- incident.io ----------------------------------------------------------------------
export const incidentioConfig = notifier(
  'incidentio.plain',
  {
    ...COMMON_SPEC,
    url,
    url_file: str,
    alert_source_token: secret,
    alert_source_token_file: str,
    max_alerts: int('uint64'),
    timeout: goDuration,
  },
  () => ({ send_resolved: true }),
  (c) => {
    if (c.url === undefined && !set(c.url_file)) fail('one of url or url_file must be configured');
    if (c.url !== undefined && set(c.url_file)) fail('at most one of url & url_file must be configured');
    const token = set(c.alert_source_token) || set(c.alert_source_token_file);
    if (c.http_config?.authorization && token) {
      fail('cannot specify alert_source_token or alert_source_token_file when using http_config.authorization');
    }
    if (c.http_config && !c.http_config.authorization && !token) {
      fail(
        'at least one of alert_source_token, alert_source_token_file or http_config.authorization must be configured',
      );
    }
  },
);
