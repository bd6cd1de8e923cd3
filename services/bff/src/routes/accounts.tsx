// The accounts page and its one mutation: UpdateAccount, attributed to the admin, answering the
// account's card (saved, or with each refused value next to its field).
import { Hono } from 'hono';
import { AppError } from '@ue/kit';
import { Channel } from '@ue/proto';
import type { AppDeps, AppEnv } from '../http/types.js';
import { AccountCard, AccountsPage } from '../views/accounts-page.js';
import { checkAccountForm, fieldErrorOf, readAccountForm } from './account-form.js';
import { actorOf } from './user-params.js';
import { isSafeId } from './users-query.js';

export function accountsRoutes(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  app.get('/accounts', async (c) => {
    const { accounts, peopleRules } = await deps.accounts.list();
    return c.html(<AccountsPage accounts={accounts} rules={peopleRules} ctx={c.get('view')} />);
  });

  app.post('/accounts/:id', async (c) => {
    const id = c.req.param('id');
    if (!isSafeId(id)) throw AppError.notFound('account');
    const account = (await deps.accounts.list()).accounts.find((a) => a.id === id);
    if (!account) throw AppError.notFound('account');
    const ctx = c.get('view');
    const form = readAccountForm(await c.req.parseBody());
    const checked = checkAccountForm(form);
    if (checked.errors)
      return c.html(
        <AccountCard account={account} form={form} errors={checked.errors} ctx={ctx} />,
        400,
      );
    try {
      const res = await deps.profiles.updateAccount({
        accountId: id,
        actor: actorOf(c),
        // Only a new account needs its channel; this one exists and keeps its own.
        channel: Channel.UNSPECIFIED,
        ...checked.change,
      });
      deps.accounts.invalidate();
      return c.html(<AccountCard account={res.account ?? account} notice="Saved." ctx={ctx} />);
    } catch (err) {
      if (!(err instanceof AppError) || err.code !== 'INVALID_ARGUMENT') throw err;
      return c.html(
        <AccountCard account={account} form={form} errors={fieldErrorOf(err)} ctx={ctx} />,
        400,
      );
    }
  });

  return app;
}
