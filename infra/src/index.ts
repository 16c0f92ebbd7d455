export { DeadLetterQueue } from './constructs/dead-letter-queue.construct.ts';
export { EmailSender, type EmailSenderProps } from './constructs/email-sender.construct.ts';
export { placeholdersOf, SagaStateMachine } from './constructs/saga-state-machine.construct.ts';
export { ServiceFunction } from './constructs/service-function.construct.ts';
export { ServiceTable } from './constructs/service-table.construct.ts';
export { CORS, ShopApi, USER_GROUPS } from './constructs/shop-api.construct.ts';
export { SubscriptionQueue } from './constructs/subscription-queue.construct.ts';
export { acknowledgeNag, addNagChecks } from './nag.ts';
export { LIVE_ALIAS, liveAliasArnOf, physicalName, stateMachineArnOf } from './naming.ts';
export {
  DEFAULT_EMAIL_FROM_ADDRESS,
  ShopStack,
  type ShopStackProps,
  TABLE_DATA_ACTIONS,
} from './shop.stack.ts';
export { createShopApp, type ShopApp, type ShopAppOptions } from './shop-app.ts';
export { STAGE_NAMES, type StageConfig, type StageName, stageConfigOf } from './stage.config.ts';
