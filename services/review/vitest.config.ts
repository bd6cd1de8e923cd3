import { serviceTestConfig } from '@ue/testing/vitest';

export default serviceTestConfig();
