// The servers are built and owned separately; each sub-index lists its exports explicitly.
export * from './http/index';
export * from './tcp/index';
export * from './ws/index';
