export * from './shared/decider';
export * from './network/events';
export * from './network/decide';
export * from './participant/events';
export * from './participant/decide';
export * from './referral/events';
export * from './referral/decide';
