/** Go text/template syntax tree: text, actions, and if/range/with/define blocks. */
import { lex, TemplateSyntaxError, type Token } from './lexer.js';

export type Arg =
  | { readonly kind: 'field'; readonly receiver: Arg | null; readonly names: readonly string[] }
  | { readonly kind: 'variable'; readonly name: string; readonly names: readonly string[] }
  | { readonly kind: 'dot' }
  | { readonly kind: 'identifier'; readonly name: string }
  | { readonly kind: 'literal'; readonly value: unknown }
  | { readonly kind: 'pipeline'; readonly pipe: Pipeline; readonly names: readonly string[] };

export interface Command {
  readonly args: readonly Arg[];
}

export interface Pipeline {
  readonly decl: readonly string[];
  readonly isAssign: boolean;
  readonly cmds: readonly Command[];
  readonly line: number;
}

export type TemplateNode =
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'action'; readonly pipe: Pipeline }
  | { readonly kind: 'if' | 'with'; readonly pipe: Pipeline; readonly then: readonly TemplateNode[]; readonly else: readonly TemplateNode[] }
  | { readonly kind: 'range'; readonly pipe: Pipeline; readonly body: readonly TemplateNode[]; readonly else: readonly TemplateNode[] }
  | { readonly kind: 'template'; readonly name: string; readonly pipe: Pipeline | null; readonly line: number }
  | { readonly kind: 'break' | 'continue' };

export interface ParsedTemplate {
  readonly root: readonly TemplateNode[];
  readonly defines: ReadonlyMap<string, readonly TemplateNode[]>;
}

export function parseTemplate(text: string, knownFunctions: ReadonlySet<string>): ParsedTemplate {
  const p = new Parser(lex(text), knownFunctions);
  const root = p.list(new Set());
  if (p.peek()) throw new TemplateSyntaxError(p.peek()!.line, `unexpected ${describe(p.peek()!)}`);
  return { root, defines: p.defines };
}

function describe(t: Token): string {
  if (t.kind === 'keyword') return `{{${t.value}}}`;
  if (t.kind === 'close') return '"}}"';
  return `${JSON.stringify(t.value)} in command`;
}

class Parser {
  private i = 0;
  readonly defines = new Map<string, readonly TemplateNode[]>();
  private loopDepth = 0;
  constructor(
    private readonly tokens: readonly Token[],
    private readonly funcs: ReadonlySet<string>,
  ) {}

  peek(offset = 0): Token | undefined {
    return this.tokens[this.i + offset];
  }
  private next(): Token {
    const t = this.tokens[this.i++];
    if (!t) throw new TemplateSyntaxError(this.tokens.at(-1)?.line ?? 1, 'unexpected EOF');
    return t;
  }
  private expect(kind: Token['kind'], context: string): Token {
    const t = this.next();
    if (t.kind !== kind) throw new TemplateSyntaxError(t.line, `unexpected ${describe(t)} in ${context}`);
    return t;
  }

  /** Nodes until one of `stops` (`end`, `else`) opens an action; that action is left unread. */
  list(stops: ReadonlySet<string>): TemplateNode[] {
    const out: TemplateNode[] = [];
    for (;;) {
      const t = this.peek();
      if (!t) {
        if (stops.size > 0) throw new TemplateSyntaxError(this.tokens.at(-1)?.line ?? 1, 'unexpected EOF');
        return out;
      }
      if (t.kind === 'text') {
        out.push({ kind: 'text', text: t.value });
        this.i++;
        continue;
      }
      const kw = this.peek(1);
      if (kw?.kind === 'keyword' && stops.has(kw.value)) return out;
      out.push(...this.action());
    }
  }

  private action(): TemplateNode[] {
    this.expect('open', 'action');
    const t = this.peek();
    if (t?.kind === 'keyword') {
      this.i++;
      switch (t.value) {
        case 'if':
        case 'with':
          return [this.conditional(t.value)];
        case 'range':
          return [this.range()];
        case 'define':
        case 'block':
          return this.define(t.value);
        case 'template': {
          const name = this.expect('string', 'template clause').value;
          const pipe = this.peek()?.kind === 'close' ? null : this.pipeline('template clause');
          this.expect('close', 'template clause');
          return [{ kind: 'template', name, pipe, line: t.line }];
        }
        case 'break':
        case 'continue':
          if (this.loopDepth === 0) throw new TemplateSyntaxError(t.line, `{{${t.value}}} outside {{range}}`);
          this.expect('close', t.value);
          return [{ kind: t.value }];
        default:
          throw new TemplateSyntaxError(t.line, `unexpected {{${t.value}}}`);
      }
    }
    const pipe = this.pipeline('command');
    this.expect('close', 'command');
    return [{ kind: 'action', pipe }];
  }

  private branches(context: string): { then: TemplateNode[]; else: TemplateNode[] } {
    const then = this.list(new Set(['else', 'end']));
    this.expect('open', context);
    const kw = this.next();
    if (kw.value === 'end') {
      this.expect('close', 'end');
      return { then, else: [] };
    }
    // else, or `else if …` / `else with …` chains, which nest as Go parses them.
    const chained = this.peek();
    if (chained?.kind === 'keyword' && (chained.value === 'if' || chained.value === 'with')) {
      this.i++;
      return { then, else: [this.conditional(chained.value)] };
    }
    this.expect('close', 'else');
    const otherwise = this.list(new Set(['end']));
    this.expect('open', context);
    this.next();
    this.expect('close', 'end');
    return { then, else: otherwise };
  }

  private conditional(kind: 'if' | 'with'): TemplateNode {
    const pipe = this.pipeline(kind);
    this.expect('close', kind);
    const b = this.branches(kind);
    return { kind, pipe, then: b.then, else: b.else };
  }

  private range(): TemplateNode {
    const pipe = this.pipeline('range');
    this.expect('close', 'range');
    this.loopDepth++;
    const b = this.branches('range');
    this.loopDepth--;
    return { kind: 'range', pipe, body: b.then, else: b.else };
  }

  private define(kind: string): TemplateNode[] {
    const name = this.expect('string', `${kind} clause`).value;
    const pipe = kind === 'block' ? this.pipeline('block clause') : null;
    this.expect('close', `${kind} clause`);
    const body = this.list(new Set(['end']));
    this.expect('open', 'end');
    this.next();
    this.expect('close', 'end');
    this.defines.set(name, body);
    return kind === 'block' ? [{ kind: 'template', name, pipe, line: this.peek(-1)?.line ?? 1 }] : [];
  }

  private pipeline(context: string): Pipeline {
    const line = this.peek()?.line ?? 1;
    const decl: string[] = [];
    let isAssign = false;
    // `$x :=`, `$x =`, or `$i, $e :=` in range.
    if (this.peek()?.kind === 'variable') {
      const save = this.i;
      const names = [this.next().value];
      if (this.peek()?.kind === 'comma') {
        this.i++;
        names.push(this.expect('variable', context).value);
      }
      const op = this.peek();
      if (op?.kind === 'declare' || op?.kind === 'assign') {
        this.i++;
        decl.push(...names);
        isAssign = op.kind === 'assign';
      } else this.i = save;
    }
    const cmds: Command[] = [];
    for (;;) {
      cmds.push(this.command(context));
      if (this.peek()?.kind !== 'pipe') break;
      this.i++;
    }
    return { decl, isAssign, cmds, line };
  }

  private command(context: string): Command {
    const args: Arg[] = [];
    for (;;) {
      const t = this.peek();
      if (!t || t.kind === 'close' || t.kind === 'pipe' || t.kind === 'rparen') break;
      args.push(this.operand());
    }
    if (args.length === 0) throw new TemplateSyntaxError(this.peek()?.line ?? 1, `missing value for ${context}`);
    return { args };
  }

  private fieldChain(): string[] {
    const names: string[] = [];
    while (this.peek()?.kind === 'field' && !this.peek()?.spaced) names.push(this.next().value);
    return names;
  }

  private operand(): Arg {
    const t = this.next();
    switch (t.kind) {
      case 'field':
        return { kind: 'field', receiver: null, names: [t.value, ...this.fieldChain()] };
      case 'variable':
        return { kind: 'variable', name: t.value, names: this.fieldChain() };
      case 'dot':
        return { kind: 'dot' };
      case 'identifier':
        if (!this.funcs.has(t.value)) throw new TemplateSyntaxError(t.line, `function ${JSON.stringify(t.value)} not defined`);
        return { kind: 'identifier', name: t.value };
      case 'string':
        return { kind: 'literal', value: t.value };
      case 'number':
        return { kind: 'literal', value: parseNumber(t.value, t.line) };
      case 'bool':
        return { kind: 'literal', value: t.value === 'true' };
      case 'nil':
        return { kind: 'literal', value: null };
      case 'lparen': {
        const pipe = this.pipeline('parenthesized pipeline');
        this.expect('rparen', 'parenthesized pipeline');
        return { kind: 'pipeline', pipe, names: this.fieldChain() };
      }
      case 'text':
      case 'open':
      case 'close':
      case 'pipe':
      case 'rparen':
      case 'declare':
      case 'assign':
      case 'comma':
      case 'keyword':
        throw new TemplateSyntaxError(t.line, `unexpected ${describe(t)}`);
    }
  }
}

/**
 * Numbers keep Go's int/float distinction, which decides what comparisons are
 * allowed (`gt $value 80` is an error in Go: float64 against int): integer
 * constants become bigint, everything else a JS number.
 */
function parseNumber(text: string, line: number): number | bigint {
  const clean = text.replaceAll('_', '');
  const bad = (): never => {
    throw new TemplateSyntaxError(line, `bad number syntax: ${JSON.stringify(text)}`);
  };
  if (/^[-+]?(0[xX][0-9a-fA-F]+|0[bB][01]+|0[oO][0-7]+|\d+)$/.test(clean)) {
    const neg = clean.startsWith('-');
    const body = clean.replace(/^[-+]/, '');
    const octal = /^0\d/.test(body) ? `0o${body.slice(1)}` : body.replace(/^0[oO]/, '0o');
    try {
      const n = BigInt(octal);
      return neg ? -n : n;
    } catch {
      return bad();
    }
  }
  const n = Number(clean);
  return Number.isNaN(n) ? bad() : n;
}
