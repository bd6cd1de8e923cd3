import { serviceTestConfig } from '@ue/testing/vitest';

export default serviceTestConfig({ intTimeoutMs: 600_000, intSerial: true });
