export type { TcpFaultProxy, TcpFaultProxyOptions, TcpFaultProxyStats } from './tcp-fault-proxy';
export { createTcpFaultProxy, DEFAULT_TCP_FAULT_PROXY_OPTIONS } from './tcp-fault-proxy';
export type { Toxic, ToxicBase, ToxicStream, ToxicType } from './tcp-toxics';
