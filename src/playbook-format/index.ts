export * from './check';
export * from './compile';
export * from './diff';
export * from './load';
export * from './publishing';
export * from './reference';
export * from './schema';
export * from './source-map';
