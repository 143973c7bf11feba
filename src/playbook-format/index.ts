export * from './check';
export * from './compile';
export * from './load';
export * from './schema';
export * from './source-map';
