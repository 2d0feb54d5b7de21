import { KitError } from '@kit/errors';

/** A path parameter value. Numbers and booleans are converted with `String()`. */
export type PathParamValue = string | number | boolean;

/** The parameter names of a path template: `'/orders/{id}'` -> `'id'`. */
export type PathParamNames<T extends string> = T extends `${string}{${infer Name}}${infer Rest}`
  ? Name | PathParamNames<Rest>
  : never;

/** The params object a path template needs: `{ id: PathParamValue }` for `'/orders/{id}'`. */
export type PathParams<T extends string> = [PathParamNames<T>] extends [never]
  ? Record<string, never>
  : { [K in PathParamNames<T>]: PathParamValue };

const PLACEHOLDER = /\{([^{}/]+)\}/g;

/**
 * Fills a path template's `{name}` placeholders with `encodeURIComponent`-encoded values, so an id
 * such as `a/b` cannot change the path (`/orders/a%2Fb`). A missing (or empty) parameter is a
 * `client.invalid_argument` error naming it.
 *
 * @example
 * ```ts
 * expandPath('/orders/{id}', { id: 'a/b' }); // '/orders/a%2Fb'
 * ```
 */
export function expandPath(
  template: string,
  params: Readonly<Record<string, PathParamValue | undefined>> = {},
): string {
  if (!template.includes('{')) return template;
  return template.replace(PLACEHOLDER, (_match, name: string) => {
    const value = Object.hasOwn(params, name) ? params[name] : undefined;
    if (value === undefined || value === '') {
      throw new KitError('client.invalid_argument', {
        message: `Missing path parameter "${name}" for ${template}`,
        details: { parameter: name, template },
      });
    }
    return encodeURIComponent(String(value));
  });
}
