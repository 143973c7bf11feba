export * from './errors';
export * from './hash-chain';
export * from './incidents';
export * from './machine-runtime';
export * from './registry';
export * from './tokens';
export * from './types';
export * from './playbook-description';
