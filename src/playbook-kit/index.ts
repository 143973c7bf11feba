export * from './business-days';
export * from './define';
export * from './notification-clocks';
export * from './time';
