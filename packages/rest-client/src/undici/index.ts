// The node-only entry point `@kit/rest-client/undici`: the undici transport for axios.
// Internals (the exchange, body/header converters, dispatcher selection) are deliberately not exported.
export type { UndiciAxiosAdapter } from './undici-adapter';
export { createUndiciAdapter } from './undici-adapter';
export type {
  ResolvedUndiciAdapterOptions,
  UndiciAdapterOptions,
  UndiciTlsOptions,
} from './undici-adapter-options';
export { DEFAULT_UNDICI_ADAPTER_OPTIONS, resolveUndiciAdapterOptions } from './undici-adapter-options';
export type { UndiciRequestInfo } from './undici-exchange';
