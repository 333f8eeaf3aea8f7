/**
 * Go's text/template accepts `{{ ... }}` actions and `{{/* ... *\/}}` comments;
 * this catches the unterminated ones, which is what users get wrong.
 */
export function templateSyntaxError(s: string): string | undefined {
  let i = 0;
  while ((i = s.indexOf('{{', i)) >= 0) {
    const rest = s.slice(i + 2).replace(/^- /, '');
    if (rest.startsWith('/*')) {
      const end = rest.indexOf('*/');
      if (end < 0) return 'template: :1: unclosed comment';
      if (!/^ ?-?}}/.test(rest.slice(end + 2).replace(/^ -/, ' -')))
        return 'template: :1: comment ends before closing delimiter';
    }
    const close = s.indexOf('}}', i + 2);
    if (close < 0) return 'template: :1: unclosed action';
    i = close + 2;
  }
  return undefined;
}
