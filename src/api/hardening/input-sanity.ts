/**
 * Checks every parsed JSON body (and query) before Nest sees it, for what the DTOs cannot catch:
 * - nesting deeper than MAX_BODY_DEPTH: class-transformer and class-validator recurse, and a body of
 *   a few thousand nested arrays (well under the size limit) overflowed the stack (500);
 * - the NUL character (U+0000) in any string or key, or in the path: PostgreSQL refuses it in text,
 *   so a note with one failed the insert (500), and in an action it would have made the projection
 *   activity fail on every retry, leaving the case stuck;
 * - the keys `__proto__`, `constructor` and `prototype`: no DTO has them, and class-transformer
 *   stumbled over them (`{"type":"ADD_NOTE","x":{"constructor":1}}` answered 500); refusing them
 *   also keeps prototype pollution out;
 * - a lone UTF-16 surrogate (half of a character, "\ud800" in JSON): not text at all; PostgreSQL's
 *   jsonb refuses it and text columns would silently turn it into U+FFFD.
 * Answers 400 REQUEST.VALIDATION_FAILED with field-level messages, in the one error shape.
 * An Express middleware, mounted after the body parsers (see applyHardening).
 */
import { ApiError } from '../errors';
import { errorBody } from '../api-exception.filter';
import { FieldError, validationFailed } from '../validation/field-errors';

export const MAX_BODY_DEPTH = 32;

type Next = (err?: unknown) => void;
interface Req {
  body?: unknown;
  query?: unknown;
  path?: string;
  originalUrl: string;
}
interface Res {
  status(code: number): { json(body: unknown): void };
}

export function inputSanityMiddleware() {
  return (req: Req, res: Res, next: Next): void => {
    let problems: FieldError[];
    try {
      problems = [...pathProblems(req.path ?? req.originalUrl.split('?')[0]), ...inputProblems(req.body, ''), ...inputProblems(req.query, '(query)')];
    } catch {
      problems = [];
    }
    if (problems.length === 0) return next();
    const error: ApiError = validationFailed(problems);
    res.status(error.status).json(errorBody(error, req.originalUrl));
  };
}

/** Problems of one parsed value (iterative: the value may be deeper than the stack allows). */
export function inputProblems(root: unknown, rootName: string): FieldError[] {
  const problems: FieldError[] = [];
  const stack: Array<{ value: unknown; path: string; depth: number }> = [{ value: root, path: rootName, depth: 0 }];
  while (stack.length > 0 && problems.length < 5) {
    const { value, path, depth } = stack.pop()!;
    if (typeof value === 'string') {
      const problem = textProblem(value, path || '(body)');
      if (problem) problems.push(problem);
      continue;
    }
    if (value === null || typeof value !== 'object') continue;
    if (depth >= MAX_BODY_DEPTH) {
      problems.push({
        field: path || '(body)',
        constraint: 'maxDepth',
        message: `嵌套层数过多（最多 ${MAX_BODY_DEPTH} 层）`,
        messageEn: `${path || 'the body'} is nested too deeply (at most ${MAX_BODY_DEPTH} levels)`,
      });
      continue;
    }
    for (const key of Object.keys(value)) {
      const childPath = path ? `${path}.${key}` : key;
      const problem = FORBIDDEN_KEYS.has(key) ? forbiddenKey(childPath) : textProblem(key, childPath);
      if (problem) {
        problems.push(problem);
        continue;
      }
      stack.push({ value: (value as Record<string, unknown>)[key], path: childPath, depth: depth + 1 });
    }
  }
  return problems;
}

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

function forbiddenKey(field: string): FieldError {
  const shown = safe(field);
  return { field: shown, constraint: 'forbiddenKey', message: '不允许的字段名', messageEn: `${shown} is not an allowed field name` };
}

/** The path as the router will decode it (its parameters). */
function pathProblems(path: string): FieldError[] {
  let decoded: string;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    return []; // undecodable: the router answers 400 itself
  }
  const problem = textProblem(decoded, '(path)');
  return problem ? [problem] : [];
}

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

function textProblem(value: string, field: string): FieldError | undefined {
  const shown = safe(field);
  if (value.includes('\u0000')) {
    return { field: shown, constraint: 'noNulCharacter', message: '不能包含空字符（\\u0000）', messageEn: `${shown} must not contain the NUL character (\\u0000)` };
  }
  if (LONE_SURROGATE.test(value)) {
    return {
      field: shown,
      constraint: 'wellFormedUnicode',
      message: '包含无效的字符（不成对的 UTF-16 代理项）',
      messageEn: `${shown} contains an invalid character (a lone UTF-16 surrogate)`,
    };
  }
  return undefined;
}

/** A field path fit to be echoed back (and stored by the audit log): no NUL, no lone surrogate, bounded. */
function safe(field: string): string {
  return field
    .replace(/\u0000/g, '\\u0000')
    .replace(new RegExp(LONE_SURROGATE.source, 'g'), '\uFFFD')
    .slice(0, 200);
}
