/**
 * Prometheus' alert templates: Go text/template with `$labels`, `$value`,
 * `$externalLabels`, `$externalURL` and Prometheus' functions.
 *
 * @example
 * await expandTemplate('__alert_HighCPU', '{{ $labels.pod }} at {{ humanizePercentage $value }}',
 *   { labels: { pod: 'api-0' }, value: 0.93 }, {}) // → ok('api-0 at 93%')
 */
import { err, ok, type Result } from '../../result.js';
import {
  execute,
  GoStruct,
  parseTemplate,
  TemplateExecError,
  TemplateSyntaxError,
  type ParsedTemplate,
} from '../../../alertmanager/templates/go-template/index.js';
import { FUNCTION_NAMES, FUNCTIONS, type TemplateContext } from './functions.js';

export type { TemplateContext, QuerySample } from './functions.js';
export { humanize, humanize1024, humanizeDuration } from './functions.js';

/** The variables Prometheus defines before every alert template (template.go's header). */
const HEADER_VARS = ['$labels', '$externalLabels', '$externalURL', '$value'] as const;

export interface AlertTemplateData {
  readonly labels: Readonly<Record<string, string>>;
  readonly externalLabels?: Readonly<Record<string, string>>;
  readonly externalUrl?: string;
  readonly value: number;
}

const cache = new Map<string, ParsedTemplate>();

function parse(name: string, text: string): Result<ParsedTemplate, string> {
  const hit = cache.get(text);
  if (hit) return ok(hit);
  try {
    const t = parseTemplate(text, FUNCTION_NAMES);
    if (cache.size > 10_000) cache.clear();
    cache.set(text, t);
    return ok(t);
  } catch (e) {
    if (e instanceof TemplateSyntaxError) return err(`template: ${name}:${e.line}: ${e.message}`);
    throw e;
  }
}

/** Parses without executing: what `rules check` reports. */
export function checkTemplate(name: string, text: string): Result<void, string> {
  if (!text.includes('{{')) return ok(undefined);
  const r = parse(name, text);
  return r.ok ? ok(undefined) : r;
}

export async function expandTemplate(
  name: string,
  text: string,
  data: AlertTemplateData,
  ctx: TemplateContext,
): Promise<Result<string, string>> {
  if (!text.includes('{{')) return ok(text);
  const parsed = parse(name, text);
  if (!parsed.ok) return parsed;
  const root = new GoStruct('template.tmplData', {
    Labels: { ...data.labels },
    ExternalLabels: { ...(data.externalLabels ?? {}) },
    ExternalURL: data.externalUrl ?? '',
    Value: data.value,
  });
  const withHeader: ParsedTemplate = {
    defines: parsed.value.defines,
    root: [
      ...HEADER_VARS.map((v, i) => ({
        kind: 'action' as const,
        pipe: {
          decl: [v],
          isAssign: false,
          line: 1,
          cmds: [{ args: [{ kind: 'field' as const, receiver: null, names: [['Labels', 'ExternalLabels', 'ExternalURL', 'Value'][i] as string] }] }],
        },
      })),
      ...parsed.value.root,
    ],
  };
  try {
    return ok(await execute(withHeader, name, root, FUNCTIONS, { ...ctx, externalUrl: data.externalUrl ?? ctx.externalUrl }));
  } catch (e) {
    if (e instanceof TemplateExecError) return err(e.message);
    throw e;
  }
}
