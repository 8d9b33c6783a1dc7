/** Budgets with their spend as bars, keys with their state; creating a budget or a key and revoking a key go through the admin API. */
import { useEffect, useState } from 'preact/hooks';
import { api } from '../api';
import { count, usd } from '../format';

interface Budget {
  id: string;
  scope: 'key' | 'team' | 'global';
  scopeId: string | null;
  period: 'day' | 'month' | 'total';
  limitUsd: number | null;
  limitTokens: number | null;
  enforcement: string;
  spent_usd: number;
  spent_tokens: number;
}

interface Key {
  id: string;
  name: string;
  team: string | null;
  prefix: string;
  state: string;
  created_at: string;
  expires_at: string | null;
}

function Bar({ label, used, limit, format }: { label: string; used: number; limit: number; format: (value: number) => string }) {
  const share = limit > 0 ? used / limit : 0;
  return (
    <div class="bar-row">
      <span>{label}</span>
      <div class={`bar ${share >= 1 ? 'over' : share >= 0.8 ? 'near' : ''}`} role="meter" aria-valuemin={0} aria-valuemax={limit} aria-valuenow={used} aria-label={label}>
        <div style={{ width: `${Math.min(100, share * 100).toFixed(1)}%` }} />
      </div>
      <span class="number">
        {format(used)} of {format(limit)} ({(share * 100).toFixed(1)} %)
      </span>
    </div>
  );
}

export function Budgets() {
  const [budgets, setBudgets] = useState<Budget[] | null>(null);
  const [keys, setKeys] = useState<Key[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [created, setCreated] = useState<{ name: string; key: string } | null>(null);
  const [keyForm, setKeyForm] = useState({ name: '', team: '' });
  const [budgetForm, setBudgetForm] = useState({ scope: 'global', scopeId: '', period: 'month', limitUsd: '' });

  const load = (): void => {
    api<{ data: Budget[] }>('admin/budgets')
      .then((found) => setBudgets(found.data))
      .catch((failure: Error) => setError(failure.message));
    api<{ data: Key[] }>('admin/keys')
      .then((found) => setKeys(found.data))
      .catch((failure: Error) => setError(failure.message));
  };
  useEffect(load, []);

  const act = async (action: () => Promise<unknown>): Promise<void> => {
    setError(null);
    try {
      await action();
      load();
    } catch (failure) {
      setError((failure as Error).message);
    }
  };

  const createKey = (event: Event): void => {
    event.preventDefault();
    void act(async () => {
      const answer = await api<{ key: string; name: string }>('admin/keys', { method: 'POST', body: { name: keyForm.name, ...(keyForm.team ? { team: keyForm.team } : {}) } });
      setCreated({ name: answer.name, key: answer.key });
      setKeyForm({ name: '', team: '' });
    });
  };
  const revoke = (key: Key): void => {
    if (!confirm(`Revoke the key “${key.name}” (${key.prefix})? Requests with it fail from now on.`)) return;
    void act(() => api(`admin/keys/${encodeURIComponent(key.id)}`, { method: 'DELETE' }));
  };
  const createBudget = (event: Event): void => {
    event.preventDefault();
    void act(() =>
      api('admin/budgets', {
        method: 'POST',
        body: { scope: budgetForm.scope, ...(budgetForm.scope !== 'global' ? { scope_id: budgetForm.scopeId } : {}), period: budgetForm.period, limit_usd: Number(budgetForm.limitUsd) },
      }),
    );
  };

  return (
    <section aria-labelledby="budgets-title">
      <h1 id="budgets-title">Budgets &amp; keys</h1>
      {error && (
        <p role="alert" class="error">
          {error}
        </p>
      )}
      <h2>Budgets</h2>
      {!budgets ? (
        <p class="loading">Loading…</p>
      ) : budgets.length === 0 ? (
        <p>No budgets.</p>
      ) : (
        <ul class="budgets">
          {budgets.map((budget) => (
            <li key={budget.id} data-budget={budget.id}>
              <strong>
                {budget.scope === 'global' ? 'Everyone' : `${budget.scope} ${budget.scopeId}`}, per {budget.period}
              </strong>{' '}
              <span class="muted">({budget.enforcement})</span>
              {budget.limitUsd !== null && <Bar label="Dollars" used={budget.spent_usd} limit={budget.limitUsd} format={usd} />}
              {budget.limitTokens !== null && <Bar label="Tokens" used={budget.spent_tokens} limit={budget.limitTokens} format={count} />}
            </li>
          ))}
        </ul>
      )}
      <form class="controls" onSubmit={createBudget} aria-label="Create a budget">
        <label>
          Scope
          <select value={budgetForm.scope} onChange={(event) => setBudgetForm({ ...budgetForm, scope: event.currentTarget.value })}>
            <option value="global">everyone</option>
            <option value="team">team</option>
            <option value="key">key</option>
          </select>
        </label>
        {budgetForm.scope !== 'global' && (
          <label>
            {budgetForm.scope === 'team' ? 'Team' : 'Key id'}
            <input required value={budgetForm.scopeId} onInput={(event) => setBudgetForm({ ...budgetForm, scopeId: event.currentTarget.value })} />
          </label>
        )}
        <label>
          Period
          <select value={budgetForm.period} onChange={(event) => setBudgetForm({ ...budgetForm, period: event.currentTarget.value })}>
            <option value="day">day</option>
            <option value="month">month</option>
            <option value="total">total</option>
          </select>
        </label>
        <label>
          Limit ($)
          <input type="number" min="0.01" step="0.01" required value={budgetForm.limitUsd} onInput={(event) => setBudgetForm({ ...budgetForm, limitUsd: event.currentTarget.value })} />
        </label>
        <button type="submit">Create budget</button>
      </form>

      <h2>Keys</h2>
      {created && (
        <div class="notice" role="status">
          Key “{created.name}” created. Copy it now — it is not shown again: <code data-new-key>{created.key}</code>
        </div>
      )}
      {!keys ? (
        <p class="loading">Loading…</p>
      ) : keys.length === 0 ? (
        <p>No virtual keys.</p>
      ) : (
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Key</th>
                <th scope="col">Team</th>
                <th scope="col">State</th>
                <th scope="col">Created</th>
                <th scope="col">Expires</th>
                <th scope="col">
                  <span class="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {keys.map((key) => (
                <tr key={key.id} data-key={key.id}>
                  <th scope="row">{key.name}</th>
                  <td>
                    <code>{key.prefix}</code>
                  </td>
                  <td>{key.team ?? '–'}</td>
                  <td class={key.state === 'active' ? 'ok' : 'bad'}>{key.state}</td>
                  <td>{key.created_at.slice(0, 10)}</td>
                  <td>{key.expires_at?.slice(0, 10) ?? 'never'}</td>
                  <td>
                    {key.state !== 'revoked' && (
                      <button type="button" onClick={() => revoke(key)} aria-label={`Revoke ${key.name}`}>
                        Revoke
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <form class="controls" onSubmit={createKey} aria-label="Create a key">
        <label>
          Name
          <input required value={keyForm.name} onInput={(event) => setKeyForm({ ...keyForm, name: event.currentTarget.value })} />
        </label>
        <label>
          Team
          <input value={keyForm.team} onInput={(event) => setKeyForm({ ...keyForm, team: event.currentTarget.value })} />
        </label>
        <button type="submit">Create key</button>
      </form>
    </section>
  );
}
