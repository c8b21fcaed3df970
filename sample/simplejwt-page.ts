import { PAGE_SCRIPT_HELPERS } from './page-script.js';

/**
 * The sample page when the sample speaks simplejwt (JWT_TOKEN_PROTOCOL=simplejwt|both) in its
 * cookie mode (JWT_REFRESH_COOKIE): the refresh token lives in an HttpOnly cookie the page never
 * sees, the access token in a variable only (never in storage). A call refused with 401 (the
 * access token expired) refreshes once with the cookie and the CSRF header, then is retried: the
 * session outlives the access token.
 */
export const SIMPLEJWT_SCRIPT = `${PAGE_SCRIPT_HELPERS}
/** The access token: in memory only, gone with the tab; the refresh cookie brings a new one. */
let access;

/** What the page shows of the access token it holds: its expiry (data-exp, seconds, for tests). */
function showAccess() {
  const out = document.getElementById('access-state');
  if (access === undefined) {
    out.textContent = 'No access token in memory.';
    delete out.dataset.exp;
    return;
  }
  let exp;
  try {
    const payload = access.split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
    exp = JSON.parse(atob(payload)).exp;
  } catch {
    exp = undefined;
  }
  out.textContent = 'Access token in memory, expires at ' +
    (typeof exp === 'number' ? new Date(exp * 1000).toISOString() : '(unknown)') + '.';
  if (typeof exp === 'number') out.dataset.exp = String(exp);
}

/** One line in the page's log of what happened. */
function logEvent(text) {
  const item = document.createElement('li');
  item.textContent = new Date().toISOString() + ' ' + text;
  document.getElementById('events').append(item);
}

/** One request: the bearer access token and the CSRF header when asked; status 0 when it failed. */
async function send(method, url, options) {
  const headers = {};
  if (options.bearer && access !== undefined) headers.Authorization = config.headerType + ' ' + access;
  const init = requestInit(method, options, headers);
  try {
    const response = await fetch(url, init);
    const text = await response.text();
    let data;
    try {
      data = JSON.parse(text);
    } catch {
      data = undefined;
    }
    return { status: response.status, text, data };
  } catch (error) {
    return { status: 0, text: String(error), data: undefined };
  }
}

/** Shows the result in the element, its tokens replaced. */
function show(id, result, extra) {
  const notes = { access: '(kept in memory only)', refresh: '(not kept by this page)' };
  showResult(id, result.status, withoutTokens(result.text, notes), extra);
}

/** A new access token for the refresh cookie (no body: the server reads the cookie, with the CSRF header). */
async function refresh() {
  const result = await send('POST', config.refreshPath, { csrf: true });
  if (result.status === 200 && typeof result.data?.access === 'string') {
    access = result.data.access;
    logEvent('refreshed: a new access token from the refresh cookie');
  } else {
    access = undefined;
    logEvent('refresh refused (' + result.status + '): log in again');
  }
  showAccess();
  return result;
}

/** A protected call; on 401 (the access token expired, or none) one refresh, then the call again. */
async function callProtected(id, method) {
  clear(id);
  let result = await send(method, '/protected-url/', { bearer: true });
  let refreshed = 'false';
  if (result.status === 401) {
    logEvent(method + ' /protected-url/ answered 401: refreshing');
    if ((await refresh()).status === 200) {
      refreshed = 'true';
      result = await send(method, '/protected-url/', { bearer: true });
    }
  }
  show(id, result, { refreshed });
}

document.getElementById('login').addEventListener('submit', async (event) => {
  event.preventDefault();
  const form = event.currentTarget;
  const json = { username: form.elements.username.value, password: form.elements.password.value };
  form.elements.password.value = '';
  clear('login-result');
  const result = await send('POST', config.obtainPath, { json });
  if (result.status === 200 && typeof result.data?.access === 'string') {
    access = result.data.access;
    logEvent('logged in');
  }
  showAccess();
  show('login-result', result);
});
document.getElementById('get-protected').addEventListener('click', () => callProtected('get-result', 'GET'));
document.getElementById('post-protected').addEventListener('click', () => callProtected('post-result', 'POST'));
document.getElementById('refresh').addEventListener('click', async () => {
  clear('refresh-result');
  show('refresh-result', await refresh());
});
document.getElementById('logout').addEventListener('click', async () => {
  clear('logout-result');
  const result = await send('POST', config.blacklistPath, { csrf: true });
  if (result.status === 200) {
    access = undefined;
    logEvent('logged out: the refresh token is blacklisted and its cookie cleared');
  }
  showAccess();
  show('logout-result', result);
});
showAccess();
showReadableCookies();
`;

/** What the simplejwt page needs to know of the settings. */
export interface SimpleJwtPageSettings {
  /** JWT_REFRESH_COOKIE, when cookie mode is on. */
  readonly refreshCookie: string | undefined;
  /** The first accepted Authorization scheme (JWT_AUTH_HEADER_TYPES, default Bearer). */
  readonly headerType: string;
  readonly csrfCookie: string;
  readonly csrfHeader: string;
}

/** The paths the sample serves simplejwt's views at (the module's defaults). */
const PATHS = { obtain: '/api/token/', refresh: '/api/token/refresh/', blacklist: '/api/token/blacklist/' };

/** The data- attributes of the page's body and its text; the page around it is the drf-jwt page's. */
export function simpleJwtPageParts(
  settings: SimpleJwtPageSettings,
  escapeHtml: (text: string) => string,
): { data: Record<string, string>; body: string } {
  const { refreshCookie } = settings;
  const mode =
    refreshCookie === undefined
      ? `<p id="cookie-mode" class="warning">simplejwt's cookie mode is off: start the sample with
  <code>JWT_REFRESH_COOKIE=refresh</code>. Without it the refresh token only comes back in the
  response body, which this page does not keep, so the session ends with the access token.</p>`
      : `<p id="cookie-mode">simplejwt, cookie mode: the refresh token is in the HttpOnly cookie
  <code>${escapeHtml(refreshCookie)}</code> (sent only to the refresh and blacklist endpoints),
  which this page's script cannot read; the access token is kept in memory only. A call answered
  401 (the access token expired) refreshes once, repeating the readable
  <code>${escapeHtml(settings.csrfCookie)}</code> cookie in the <code>${escapeHtml(settings.csrfHeader)}</code>
  header, and is retried.</p>`;
  const data = {
    protocol: 'simplejwt',
    'cookie-mode': refreshCookie === undefined ? 'off' : 'on',
    'header-type': settings.headerType,
    'csrf-cookie': settings.csrfCookie,
    'csrf-header': settings.csrfHeader,
    'obtain-path': PATHS.obtain,
    'refresh-path': PATHS.refresh,
    'blacklist-path': PATHS.blacklist,
  };
  const body = `<h1>nest-rest-jwt sample (simplejwt)</h1>
${mode}
<p>Cookies this page's script can read: <span id="readable-cookies"></span></p>
<p id="access-state"></p>
<section>
<h2>Log in (POST ${PATHS.obtain})</h2>
<form id="login">
<label>Username <input name="username" autocomplete="username" required></label>
<label>Password <input name="password" type="password" autocomplete="current-password" required></label>
<button id="login-submit" type="submit">Log in</button>
</form>
<pre id="login-result"></pre>
</section>
<section>
<h2>Calls</h2>
<button id="get-protected" type="button">GET /protected-url/</button>
<pre id="get-result"></pre>
<button id="post-protected" type="button">POST /protected-url/</button>
<pre id="post-result"></pre>
<button id="refresh" type="button">Refresh now (POST ${PATHS.refresh})</button>
<pre id="refresh-result"></pre>
<button id="logout" type="button">Log out (POST ${PATHS.blacklist})</button>
<pre id="logout-result"></pre>
</section>
<section>
<h2>What happened</h2>
<ol id="events"></ol>
</section>`;
  return { data, body };
}
