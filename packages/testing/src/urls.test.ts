import { describe, expect, it } from 'vitest';
import { databaseOf, uniqueName, withDatabase } from './urls.js';

describe('test URL helpers', () => {
  it('replaces the database but keeps host and options', () => {
    const url = withDatabase('mongodb://127.0.0.1:27017/engagement?directConnection=true', 'db2');
    expect(url).toBe('mongodb://127.0.0.1:27017/db2?directConnection=true');
    expect(databaseOf(url)).toBe('db2');
    expect(databaseOf('mongodb://h:1')).toBeUndefined();
  });

  it('makes distinct names that are valid database names', () => {
    const a = uniqueName('Users Repo!');
    const b = uniqueName('Users Repo!');
    expect(a).not.toBe(b);
    expect(a).toMatch(/^t_users_repo_[a-z0-9]+_[0-9a-f]{6}$/);
    expect(a.length).toBeLessThan(63);
  });
});
