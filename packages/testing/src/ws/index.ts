export type { WsConnectionContext, WsFaultSocket, WsSequencedMessage } from './ws-fault-connection';
export { WsFaultConnection } from './ws-fault-connection';
export type { WsFaultServer, WsFaultServerOptions } from './ws-fault-server';
export { createWsFaultServer, DEFAULT_WS_FAULT_SERVER_OPTIONS } from './ws-fault-server';
export type { WsAuthRejection, WsFaults } from './ws-faults';
export { DEFAULT_OVERSIZED_BYTES } from './ws-faults';
