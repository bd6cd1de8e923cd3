import { Document } from './layout.js';
import { CSRF_FIELD } from '../auth/csrf.js';

export interface LoginView {
  base: string;
  csrf: string;
  email?: string;
  error?: string;
  next?: string;
}

export function LoginPage(v: LoginView) {
  return (
    <Document title="Log in" base={v.base}>
      <main id="main" class="login">
        <h1>User Engagement</h1>
        <form method="post" action={`${v.base}/login`} class="card stack">
          <h2>Log in</h2>
          {v.error ? (
            <p class="error" role="alert">
              {v.error}
            </p>
          ) : null}
          <input type="hidden" name={CSRF_FIELD} value={v.csrf} />
          {v.next ? <input type="hidden" name="next" value={v.next} /> : null}
          <label>
            Email
            <input
              type="email"
              name="email"
              autocomplete="username"
              required
              value={v.email ?? ''}
            />
          </label>
          <label>
            Password
            <input type="password" name="password" autocomplete="current-password" required />
          </label>
          <button type="submit">Log in</button>
        </form>
      </main>
    </Document>
  );
}
