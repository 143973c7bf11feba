export * from './define';
export * from './time';
