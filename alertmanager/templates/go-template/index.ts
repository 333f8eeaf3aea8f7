/**
 * Go's text/template for TypeScript: what Alertmanager's notification
 * templates and Prometheus' alert templates are written in. Callers bring
 * their own function table on top of GO_BUILTINS.
 */
export { lex, TemplateSyntaxError } from './lexer.js';
export type { Token, TokenKind } from './lexer.js';
export { parseTemplate } from './parser.js';
export type { ParsedTemplate, TemplateNode, Pipeline, Command, Arg } from './parser.js';
export { execute } from './exec.js';
export type { FunctionTable, TemplateFunction } from './exec.js';
export { GO_BUILTINS, arity, str } from './builtins.js';
export { formatG, formatValue, goFixed, goType, sprintf } from './go-format.js';
export { GoStruct, TemplateExecError, toFloat, truth, withMethods, methodOf, GO_METHODS } from './values.js';
export type { GoMethod } from './values.js';
