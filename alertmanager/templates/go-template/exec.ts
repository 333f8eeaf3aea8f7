/** Executes a parsed template against data, asynchronously (so `query` can run PromQL). */
import { formatValue } from './go-format.js';
import type { Arg, Command, ParsedTemplate, Pipeline, TemplateNode } from './parser.js';

/** A template function: Go calls it with the evaluated arguments (a piped value last). */
export type TemplateFunction<C> = (args: unknown[], ctx: C) => unknown;
export type FunctionTable<C> = Readonly<Record<string, TemplateFunction<C>>>;

// The context the walk carries: the caller's context plus its function table.
interface TemplateContext {
  readonly funcs: FunctionTable<unknown>;
  readonly user: unknown;
}
import { GoStruct, methodOf, TemplateExecError, truth } from './values.js';

/** Unwinds a {{break}} or {{continue}} to the enclosing {{range}}. */
class LoopSignal extends Error {
  constructor(readonly kind: 'break' | 'continue') {
    super(kind);
  }
}

interface Scope {
  vars: { name: string; value: unknown }[];
}

const MAX_OUTPUT_BYTES = 1 << 20;
const MAX_DEPTH = 100;

export async function execute<C>(tpl: ParsedTemplate, name: string, data: unknown, funcs: FunctionTable<C>, userCtx: C): Promise<string> {
  const ctx: TemplateContext = { funcs: funcs as FunctionTable<unknown>, user: userCtx };
  const out: string[] = [];
  let size = 0;
  const emit = (s: string): void => {
    size += s.length;
    if (size > MAX_OUTPUT_BYTES) throw new TemplateExecError(`template: ${name}: output exceeds ${MAX_OUTPUT_BYTES} bytes`);
    out.push(s);
  };
  const scope: Scope = { vars: [{ name: '$', value: data }] };
  await walkList(tpl, tpl.root, data, scope, ctx, emit, name, 0);
  return out.join('');
}

async function walkList(
  tpl: ParsedTemplate,
  nodes: readonly TemplateNode[],
  dot: unknown,
  scope: Scope,
  ctx: TemplateContext,
  emit: (s: string) => void,
  name: string,
  depth: number,
): Promise<void> {
  const mark = scope.vars.length;
  try {
    for (const node of nodes) await walk(tpl, node, dot, scope, ctx, emit, name, depth);
  } finally {
    scope.vars.length = mark;
  }
}

async function walk(
  tpl: ParsedTemplate,
  node: TemplateNode,
  dot: unknown,
  scope: Scope,
  ctx: TemplateContext,
  emit: (s: string) => void,
  name: string,
  depth: number,
): Promise<void> {
  const list = (nodes: readonly TemplateNode[], d: unknown): Promise<void> => walkList(tpl, nodes, d, scope, ctx, emit, name, depth);
  switch (node.kind) {
    case 'text':
      emit(node.text);
      return;
    case 'action': {
      const v = await evalPipeline(node.pipe, dot, scope, ctx, name);
      if (node.pipe.decl.length === 0) emit(printable(v));
      return;
    }
    case 'if': {
      const v = await evalPipeline(node.pipe, dot, scope, ctx, name);
      await list(truth(v) ? node.then : node.else, dot);
      return;
    }
    case 'with': {
      const v = await evalPipeline(node.pipe, dot, scope, ctx, name);
      if (truth(v)) await list(node.then, v);
      else await list(node.else, dot);
      return;
    }
    case 'range': {
      const decl = node.pipe.decl;
      const v = await evalPipeline({ ...node.pipe, decl: [] }, dot, scope, ctx, name);
      const items: [unknown, unknown][] = Array.isArray(v)
        ? v.map((x, i) => [BigInt(i), x])
        : v !== null && typeof v === 'object' && !(v instanceof GoStruct)
          ? Object.keys(v)
              .sort()
              .map((k) => [k, (v as Record<string, unknown>)[k]])
          : typeof v === 'bigint'
            ? Array.from({ length: Number(v) }, (_x, i) => [BigInt(i), BigInt(i)])
            : v === null || v === undefined
              ? []
              : (() => {
                  throw new TemplateExecError(`template: ${name}:${node.pipe.line}: range can't iterate over ${formatValue(v)}`);
                })();
      if (items.length === 0) {
        await list(node.else, dot);
        return;
      }
      for (const [k, x] of items) {
        const mark = scope.vars.length;
        if (decl.length === 1) scope.vars.push({ name: decl[0] as string, value: x });
        if (decl.length === 2) scope.vars.push({ name: decl[0] as string, value: k }, { name: decl[1] as string, value: x });
        try {
          await list(node.body, x);
        } catch (e) {
          if (e instanceof LoopSignal) {
            if (e.kind === 'break') break;
            continue;
          }
          throw e;
        } finally {
          scope.vars.length = mark;
        }
      }
      return;
    }
    case 'template': {
      const body = tpl.defines.get(node.name);
      if (!body) throw new TemplateExecError(`template: ${name}:${node.line}: no such template ${JSON.stringify(node.name)}`);
      if (depth >= MAX_DEPTH) throw new TemplateExecError(`template: ${name}: exceeded maximum template depth (${MAX_DEPTH})`);
      const d = node.pipe ? await evalPipeline(node.pipe, dot, scope, ctx, name) : null;
      await walkList(tpl, body, d, { vars: [{ name: '$', value: d }] }, ctx, emit, name, depth + 1);
      return;
    }
    case 'break':
    case 'continue':
      throw new LoopSignal(node.kind);
    default: {
      const never: never = node;
      throw new Error(`unknown template node ${String(never)}`);
    }
  }
}

/** What {{ x }} prints: Go prints nil interfaces as <no value>. */
function printable(v: unknown): string {
  if (v === undefined) return '<no value>';
  return formatValue(v);
}

async function evalPipeline(pipe: Pipeline, dot: unknown, scope: Scope, ctx: TemplateContext, name: string): Promise<unknown> {
  let value: unknown = undefined;
  let first = true;
  for (const cmd of pipe.cmds) {
    value = await evalCommand(cmd, dot, scope, ctx, name, pipe.line, first ? undefined : { value });
    first = false;
  }
  for (const v of pipe.decl) {
    if (pipe.isAssign) {
      const slot = [...scope.vars].reverse().find((x) => x.name === v);
      if (!slot) throw new TemplateExecError(`template: ${name}:${pipe.line}: undefined variable: ${v}`);
      slot.value = value;
    } else scope.vars.push({ name: v, value });
  }
  return value;
}

async function evalCommand(
  cmd: Command,
  dot: unknown,
  scope: Scope,
  ctx: TemplateContext,
  name: string,
  line: number,
  piped: { value: unknown } | undefined,
): Promise<unknown> {
  const [head, ...rest] = cmd.args;
  const where = `template: ${name}:${line}`;
  if (head?.kind === 'identifier') {
    const fn = ctx.funcs[head.name];
    if (!fn) throw new TemplateExecError(`${where}: function ${JSON.stringify(head.name)} not defined`);
    const args: unknown[] = [];
    for (const a of rest) args.push(await evalArg(a, dot, scope, ctx, name, line));
    if (piped) args.push(piped.value);
    try {
      return await fn(args, ctx.user);
    } catch (e) {
      if (e instanceof TemplateExecError) {
        const msg = e.message.startsWith('error calling') || e.message.startsWith('template:') ? e.message : `error calling ${head.name}: ${e.message}`;
        throw new TemplateExecError(msg.startsWith('template:') ? msg : `${where}: executing ${JSON.stringify(name)} at <${head.name}>: ${msg}`);
      }
      throw e;
    }
  }
  if ((rest.length > 0 || piped) && (head?.kind === 'field' || head?.kind === 'variable' || head?.kind === 'pipeline') && head.names.length > 0) {
    // A method call with arguments: `.CommonLabels.Remove .GroupLabels.Names`.
    const names = head.names.slice(0, -1);
    const method = head.names[head.names.length - 1] as string;
    const base =
      head.kind === 'field'
        ? dot
        : head.kind === 'pipeline'
          ? await evalPipeline(head.pipe, dot, scope, ctx, name)
          : [...scope.vars].reverse().find((x) => x.name === head.name)?.value;
    const fn = methodOf(fields(base, names, name, line), method);
    if (fn) {
      const args: unknown[] = [];
      for (const a of rest) args.push(await evalArg(a, dot, scope, ctx, name, line));
      if (piped) args.push(piped.value);
      return fn(...args);
    }
  }
  if (rest.length > 0 || piped) {
    throw new TemplateExecError(`${where}: executing ${JSON.stringify(name)}: can't give argument to non-function ${describeArg(head)}`);
  }
  return evalArg(head as Arg, dot, scope, ctx, name, line);
}

function describeArg(a: Arg | undefined): string {
  if (!a) return '';
  switch (a.kind) {
    case 'field':
      return `.${a.names.join('.')}`;
    case 'variable':
      return [a.name, ...a.names].join('.');
    case 'dot':
      return '.';
    case 'identifier':
      return a.name;
    case 'literal':
      return formatValue(a.value);
    case 'pipeline':
      return '(...)';
  }
}

async function evalArg(a: Arg, dot: unknown, scope: Scope, ctx: TemplateContext, name: string, line: number): Promise<unknown> {
  switch (a.kind) {
    case 'dot':
      return dot;
    case 'literal':
      return a.value;
    case 'identifier': {
      const fn = ctx.funcs[a.name];
      if (!fn) throw new TemplateExecError(`template: ${name}:${line}: function ${JSON.stringify(a.name)} not defined`);
      return fn([], ctx.user);
    }
    case 'variable': {
      const slot = [...scope.vars].reverse().find((x) => x.name === a.name);
      if (!slot) throw new TemplateExecError(`template: ${name}:${line}: undefined variable: ${a.name}`);
      return fields(slot.value, a.names, name, line);
    }
    case 'field':
      return fields(dot, a.names, name, line);
    case 'pipeline':
      return fields(await evalPipeline(a.pipe, dot, scope, ctx, name), a.names, name, line);
  }
}

function fields(v: unknown, names: readonly string[], name: string, line: number): unknown {
  let cur = v;
  for (const f of names) {
    const method = methodOf(cur, f);
    if (method) {
      cur = method();
      continue;
    }
    if (cur instanceof GoStruct) {
      if (!(f in cur.fields)) throw new TemplateExecError(`template: ${name}:${line}: can't evaluate field ${f} in type ${cur.typeName}`);
      cur = cur.fields[f];
    } else if (cur !== null && typeof cur === 'object' && !Array.isArray(cur)) {
      // Maps with missingkey=zero, as Prometheus sets: an absent label is "".
      cur = (cur as Record<string, unknown>)[f] ?? '';
    } else if (cur === null || cur === undefined) {
      throw new TemplateExecError(`template: ${name}:${line}: nil pointer evaluating .${f}`);
    } else {
      throw new TemplateExecError(`template: ${name}:${line}: can't evaluate field ${f} in type ${typeof cur}`);
    }
  }
  return cur;
}
