/**
 * The email integration: renders subject, headers, HTML and text bodies from
 * the templates and sends them through SMTP with nodemailer. As in
 * Alertmanager: port 465 (or force_implicit_tls) is TLS from the first byte,
 * otherwise require_tls demands STARTTLS and refuses servers without it;
 * auth is used only when a username is configured. SMTP 5xx replies are
 * permanent (not retried), 4xx replies and connection failures are retried.
 */
import { createTransport } from 'nodemailer';
import type { StoredAlert } from '../../alerts/index.js';
import { goData, templateData, type NotificationTemplate } from '../../templates/index.js';
import type { Integration, NotifyOutcome } from '../integration.js';
import type { NotifyContext } from '../stage.js';

export interface EmailOptions {
  readonly receiver: string;
  readonly index: number;
  readonly sendResolved: boolean;
  readonly to: string;
  readonly from: string;
  readonly hello: string;
  /** host:port */
  readonly smarthost: string;
  readonly authUsername?: string;
  readonly authPassword?: () => Promise<string | undefined>;
  readonly requireTls: boolean;
  readonly forceImplicitTls: boolean;
  readonly tls: { readonly insecureSkipVerify: boolean; readonly serverName?: string; readonly ca?: string };
  /** Canonical header names to templates; Subject, To and From are always present. */
  readonly headers: Readonly<Record<string, string>>;
  readonly html: string;
  readonly text: string;
  readonly externalUrl: string;
  readonly template: NotificationTemplate;
  readonly timeoutMs?: number;
}

interface SmtpError {
  readonly responseCode?: number;
  readonly code?: string;
  readonly message?: string;
}

function smtpFailure(e: unknown): NotifyOutcome {
  const x = (e ?? {}) as SmtpError;
  const code = x.responseCode;
  // Credentials never appear in nodemailer's messages; the server's reply may quote the address, which is fine.
  const reason = `smtp: ${code ? `${code} ` : ''}${x.code ? `${x.code}: ` : ''}${(x.message ?? String(e)).slice(0, 300)}`;
  return { kind: 'failed', retryable: !(code !== undefined && code >= 500 && code < 600), reason };
}

function splitHostPort(hp: string): { host: string; port: number } {
  const i = hp.lastIndexOf(':');
  return { host: hp.slice(0, i).replace(/^\[|\]$/g, ''), port: Number(hp.slice(i + 1)) };
}

export function emailIntegration(o: EmailOptions): Integration {
  const { host, port } = splitHostPort(o.smarthost);
  return {
    name: 'email',
    index: o.index,
    receiver: o.receiver,
    sendResolved: o.sendResolved,
    async notify(ctx: NotifyContext, alerts: readonly StoredAlert[]): Promise<NotifyOutcome> {
      const data = goData(templateData(ctx.receiver, ctx.groupLabels, alerts, ctx.now, o.externalUrl));
      const render = async (field: string, text: string): Promise<string> => {
        const r = await o.template.render(field, text, data);
        if (!r.ok) throw r.error;
        return r.value;
      };
      let headers: Record<string, string>;
      let html: string;
      let text: string;
      try {
        headers = {};
        for (const [k, v] of Object.entries(o.headers)) headers[k] = await render(`email header ${k}`, v);
        html = o.html ? await render('email html', o.html) : '';
        text = o.text ? await render('email text', o.text) : '';
      } catch (e) {
        return { kind: 'failed', retryable: false, reason: e instanceof Error ? e.message : String(e) };
      }
      const { Subject: subject = '', To: to = '', From: from = '', ...rest } = headers;
      const password = o.authPassword ? await o.authPassword().catch(() => undefined) : undefined;
      const transport = createTransport({
        host,
        port,
        secure: port === 465 || o.forceImplicitTls,
        requireTLS: o.requireTls,
        ignoreTLS: !o.requireTls,
        name: o.hello,
        auth: o.authUsername ? { user: o.authUsername, pass: password ?? '' } : undefined,
        tls: { rejectUnauthorized: !o.tls.insecureSkipVerify, servername: o.tls.serverName || undefined, ca: o.tls.ca },
        connectionTimeout: o.timeoutMs ?? 30_000,
        socketTimeout: o.timeoutMs ?? 30_000,
      });
      try {
        await transport.sendMail({
          from,
          to,
          subject,
          headers: rest,
          ...(html ? { html } : {}),
          ...(text ? { text } : {}),
          date: new Date(ctx.now),
        });
        return { kind: 'sent' };
      } catch (e) {
        return smtpFailure(e);
      } finally {
        transport.close();
      }
    },
  };
}
