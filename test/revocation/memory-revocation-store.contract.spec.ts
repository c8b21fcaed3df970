import { MemoryRevocationStore } from '../../lib/index.js';
import { describeRevocationStoreContract } from '../support/revocation-store-contract.js';

describeRevocationStoreContract('MemoryRevocationStore', () => new MemoryRevocationStore());
