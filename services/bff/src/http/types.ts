import type { Logger } from '@ue/kit';
import type { ProfilesApi } from '../clients/profiles.js';
import type { AccountDirectory } from '../accounts/directory.js';
import type { AdminStore } from '../auth/admins.js';
import type { LoginLimiter } from '../auth/login-limiter.js';
import type { Session, SessionStore } from '../auth/sessions.js';
import type { ViewCtx } from '../views/context.js';
import type { MediaSettings } from '../config.js';

export interface AppDeps {
  profiles: ProfilesApi;
  /** Account names and channels, cached (src/accounts/directory.ts). */
  accounts: AccountDirectory;
  sessions: SessionStore;
  admins: AdminStore;
  limiter: LoginLimiter;
  /** True when Redis answers PING. */
  redisReachable: () => Promise<boolean>;
  log: Logger;
  settings: {
    basePath: string;
    sessionSecret: string;
    cookieSecure: 'auto' | 'true' | 'false';
    sessionTtlSeconds: number;
    /** Reverse proxies in front of the bff whose X-Forwarded-For entries are trusted. */
    trustedProxies?: number;
    timeZone: string;
    /** Absolute path of web/public. */
    staticRoot: string;
    /** Rows per users page and messages per conversation page (tests use small ones). */
    pageSizes?: { users: number; messages: number };
    /** Attachment and thumbnail limits (DEFAULT_MEDIA_SETTINGS when unset). */
    media?: MediaSettings;
  };
  clock?: () => Date;
}

export interface AppEnv {
  Variables: { session: Session; view: ViewCtx };
}
