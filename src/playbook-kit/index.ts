export * from './business-days';
export * from './clock-tracking';
export * from './define';
export * from './notification-clocks';
export * from './time';
