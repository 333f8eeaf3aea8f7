import { describe, expect, it } from 'vitest';
import { checkTemplate, expandTemplate } from './index.js';

const run = (text: string, value = 0, labels: Record<string, string> = {}, query?: (e: string) => Promise<{ labels: Record<string, string>; value: number }[]>) =>
  expandTemplate('__alert_T', text, { labels, value, externalUrl: 'http://kp.example:9470/x' }, query ? { query } : {});

describe('alert templates (Go text/template with Prometheus functions)', () => {
  it.each([
    ['{{ $labels.pod }} at {{ humanizePercentage $value }}', 0.93, { pod: 'api-0' }, 'api-0 at 93%'],
    ['{{ $value }} {{ humanize $value }} {{ humanize1024 $value }}', 1234567, {}, '1.234567e+06 1.235M 1.177Mi'],
    ['{{ humanize $value }}', 0.0012345, {}, '1.234m'],
    ['{{ printf "%.2f" $value }} {{ printf "%d%%" 5 }} {{ printf "%s=%v" "a" 1.5 }} {{ printf "%5.1f|%-4s|" 2.25 "x" }}', 3.14159, {}, '3.14 5% a=1.5   2.2|x   |'],
    ['{{ if gt $value 80.0 }}high{{ else if gt $value 50.0 }}mid{{ else }}low{{ end }}', 60, {}, 'mid'],
    ['{{- range $i, $x := args "a" "b" }}[{{ $i }}={{ $x }}]{{ end -}}', 0, {}, '[arg0=a][arg1=b]'],
    ['{{ humanizeDuration $value }}', 93784, {}, '1d 2h 3m 4s'],
    ['{{ humanizeDuration $value }}', 0.0012, {}, '1.2ms'],
    ['{{ humanizeDuration $value }}', 42.5, {}, '42.5s'],
    ['{{ reReplaceAll "(.*):(.*)" "$1" $labels.instance }} {{ $labels.instance | stripPort | toUpper }} {{ title "hello world" }}', 0, { instance: 'node-1:9100' }, 'node-1 NODE-1 Hello World'],
    ['{{ $labels.missing }}|{{ .Value }}|{{ $externalURL }}', 2, {}, '|2|http://kp.example:9470/x'],
    ['{{ $value }} {{ 100000.0 }} {{ 1e-7 }}', 1e6, {}, '1e+06 100000 1e-07'],
    ['{{ with $labels.x }}x={{ . }}{{ else }}none{{ end }}', 0, {}, 'none'],
    ['{{ humanizeTimestamp 1435065584.128 }}', 0, {}, '2015-06-23 13:19:44.128 +0000 UTC'],
    ['{{/* a comment */}}a {{- " b" -}} c', 0, {}, 'a bc'],
    ['{{ $x := 1 }}{{ if true }}{{ $x = 2 }}{{ end }}{{ $x }}', 0, {}, '2'],
    ['{{ len "héllo" }} {{ index $labels "a" }} {{ eq "a" "b" "a" }} {{ and 1 0 }} {{ or 0 "x" }} {{ not "" }}', 0, { a: 'A' }, '6 A true 0 x true'],
  ])('%s', async (text, value, labels, want) => {
    expect(await run(text, value, labels)).toEqual({ ok: true, value: want });
  });

  it('refuses to compare a float with an int, as Go does', async () => {
    const r = await run('{{ if gt $value 80 }}high{{ end }}', 90);
    expect(r).toEqual({ ok: false, error: 'template: __alert_T:1: executing "__alert_T" at <gt>: error calling gt: incompatible types for comparison' });
  });

  it('runs PromQL through query, with first/value/label and sortByLabel', async () => {
    const query = (expr: string) => {
      expect(expr).toBe('up{job="node"}');
      return Promise.resolve([
        { labels: { instance: 'b' }, value: 0 },
        { labels: { instance: 'a' }, value: 1 },
      ]);
    };
    const text = '{{ with query "up{job=\\"node\\"}" }}{{ . | first | value }} {{ . | first | label "instance" }}{{ end }};{{ range query "up{job=\\"node\\"}" | sortByLabel "instance" }} {{ .Labels.instance }}={{ .Value }}{{ end }}';
    expect(await run(text, 0, {}, query)).toEqual({ ok: true, value: '0 b; a=1 b=0' });
  });

  it('reports run-time errors with the template name', async () => {
    expect(await run('{{ .Nope }}')).toEqual({ ok: false, error: 'template: __alert_T:1: can\'t evaluate field Nope in type template.tmplData' });
    expect((await run('{{ first (args) }}')).ok).toBe(false);
  });

  it('reports syntax errors with the line', () => {
    expect(checkTemplate('x', 'a\n{{ $labels.x ')).toEqual({ ok: false, error: 'template: x:2: unclosed action' });
    expect(checkTemplate('x', '{{ nosuch 1 }}')).toEqual({ ok: false, error: 'template: x:1: function "nosuch" not defined' });
    expect(checkTemplate('x', '{{ if 1 }}')).toEqual({ ok: false, error: 'template: x:1: unexpected EOF' });
    expect(checkTemplate('x', 'no actions')).toEqual({ ok: true, value: undefined });
  });
});
