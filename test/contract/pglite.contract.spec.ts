import { pgliteTarget } from '../support/targets';
import { eventStoreContract } from './event-store.contract';

eventStoreContract(pgliteTarget);
