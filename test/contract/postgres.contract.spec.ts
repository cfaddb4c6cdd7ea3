import { postgresTarget } from '../support/targets';
import { eventStoreContract } from './event-store.contract';

eventStoreContract(postgresTarget);
