export * from './catalogue';
export * from './exercises';
export * from './facts';
export * from './incident-report';
export { reportContentSecurityPolicy } from './page';
export * from './render';
export * from './report';
export * from './runner';
export * from './scenario';
