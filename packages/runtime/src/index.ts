import './services';

export * from './constraints';
export * from './discovery';
export * from './errors';
export * from './latent';
export * from './manifest';
export * from './model';
export * from './noise';
export * from './preview';
export * from './runtime';
export * from './sampler';
export * from './schedule';
export * from './sessions';
export * from './sockets';
export * from './tokenizer';
