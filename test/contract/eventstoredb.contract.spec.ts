import { eventStoreDbTarget } from '../support/targets';
import { eventStoreContract } from './event-store.contract';

eventStoreContract(eventStoreDbTarget);
