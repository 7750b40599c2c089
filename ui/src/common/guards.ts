/** Checks for JSON whose shape is not promised (a box's report, a command's output), read at the edge. */
export const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
export const isString = (v: unknown): v is string => typeof v === 'string';
export const oneOf = <T extends string>(v: unknown, values: readonly T[]): v is T => isString(v) && (values as readonly string[]).includes(v);
