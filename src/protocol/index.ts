// The Lineage wire protocol: import this module from servers, clients, the dashboard and tests.

export * from './client-messages.ts';
export * from './codes.ts';
export * from './credential-messages.ts';
export * from './credentials.ts';
export * from './encode.ts';
export * from './server-messages.ts';
export * from './topics.ts';
export * from './worker-messages.ts';
