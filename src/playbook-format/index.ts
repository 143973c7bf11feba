export * from './check';
export * from './compile';
export * from './load';
export * from './publishing';
export * from './schema';
export * from './source-map';
