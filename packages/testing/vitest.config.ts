import { serviceTestConfig } from './src/vitest-config.js';

export default serviceTestConfig();
