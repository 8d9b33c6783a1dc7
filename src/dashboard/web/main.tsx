/**
 * The dashboard: a login form when the gateway has an admin key and no session, then the
 * pages, routed by the URL's hash (#/requests/ID…) so the gateway serves one file.
 */
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { api, ApiError, setCsrf, whenUnauthorized } from './api';
import { Overview } from './pages/overview';
import { Breakdowns } from './pages/breakdowns';
import { Requests } from './pages/requests';
import { RequestDetail } from './pages/request-detail';
import { Budgets } from './pages/budgets';
import { Health } from './pages/health';
import './styles.css';

interface Session {
  mode: 'admin_key' | 'open';
  csrf: string | null;
}

const PAGES = [
  { path: 'overview', title: 'Overview' },
  { path: 'breakdowns', title: 'Breakdowns' },
  { path: 'requests', title: 'Requests' },
  { path: 'budgets', title: 'Budgets & keys' },
  { path: 'health', title: 'Health' },
] as const;

function useHash(): string {
  const [hash, setHash] = useState(location.hash);
  useEffect(() => {
    const changed = (): void => setHash(location.hash);
    addEventListener('hashchange', changed);
    return () => removeEventListener('hashchange', changed);
  }, []);
  return hash;
}

function Login({ onLogin }: { onLogin: (session: Session) => void }) {
  const [key, setKey] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (event: Event): Promise<void> => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      onLogin(await api<Session>('login', { method: 'POST', body: { key } }));
    } catch (failure) {
      setError(failure instanceof ApiError ? failure.message : 'Could not reach the gateway.');
    } finally {
      setBusy(false);
    }
  };
  return (
    <main class="login">
      <h1>Switchyard</h1>
      <form onSubmit={submit} aria-describedby={error ? 'login-error' : undefined}>
        <label for="admin-key">Admin key</label>
        <input id="admin-key" type="password" autocomplete="current-password" required value={key} onInput={(event) => setKey(event.currentTarget.value)} />
        <button type="submit" disabled={busy}>
          Log in
        </button>
        {error && (
          <p id="login-error" role="alert" class="error">
            {error}
          </p>
        )}
      </form>
    </main>
  );
}

function App() {
  const [session, setSession] = useState<Session | null | 'login'>(null);
  const hash = useHash();
  useEffect(() => {
    whenUnauthorized(() => setSession('login'));
    api<Session>('session')
      .then((found) => {
        setCsrf(found.csrf);
        setSession(found);
      })
      .catch(() => setSession('login'));
  }, []);
  if (session === null) return <p class="loading">Loading…</p>;
  if (session === 'login')
    return (
      <Login
        onLogin={(found) => {
          setCsrf(found.csrf);
          setSession(found);
        }}
      />
    );
  const [, page = 'overview', ...rest] = hash.replace(/\?.*$/, '').split('/');
  const logout = async (): Promise<void> => {
    await api('logout', { method: 'POST' }).catch(() => undefined);
    setCsrf(null);
    setSession('login');
  };
  return (
    <>
      <a class="skip" href="#main" onClick={(event) => (event.preventDefault(), document.getElementById('main')?.focus())}>
        Skip to content
      </a>
      <header class="top">
        <strong class="brand">Switchyard</strong>
        <nav aria-label="Pages">
          <ul>
            {PAGES.map((entry) => (
              <li key={entry.path}>
                <a href={`#/${entry.path}`} aria-current={page === entry.path ? 'page' : undefined}>
                  {entry.title}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        {session.mode === 'admin_key' ? (
          <button type="button" class="link" onClick={logout}>
            Log out
          </button>
        ) : (
          <span class="muted" title="No server.admin_key: the dashboard is open on loopback">
            open (loopback)
          </span>
        )}
      </header>
      <main id="main" tabIndex={-1}>
        {page === 'overview' && <Overview />}
        {page === 'breakdowns' && <Breakdowns />}
        {page === 'requests' && rest.length === 0 && <Requests />}
        {page === 'requests' && rest.length > 0 && <RequestDetail id={decodeURIComponent(rest.join('/'))} />}
        {page === 'budgets' && <Budgets />}
        {page === 'health' && <Health />}
        {!PAGES.some((entry) => entry.path === page) && <p>No page “{page}”.</p>}
      </main>
    </>
  );
}

render(<App />, document.getElementById('app') as HTMLElement);
