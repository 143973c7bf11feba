export * from './catalogue';
export * from './exercises';
export * from './facts';
export * from './obligations';
export * from './render';
export * from './report';
export * from './runner';
export * from './scenario';
