import { Controller, Get, Header, Inject } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { ApiExcludeController } from '@nestjs/swagger';
import { createHash } from 'node:crypto';
import { JWT_AUTH_CONFIG, type JwtAuthConfig, Public } from '../lib/index.js';
import { readString } from './env.js';
import { PAGE_SCRIPT_HELPERS } from './page-script.js';
import { simpleJwtFromEnv, tokenProtocolFromEnv } from './simplejwt-settings.js';
import { SIMPLEJWT_SCRIPT, simpleJwtPageParts } from './simplejwt-page.js';

/**
 * The page's script: the helpers both pages share (page-script.ts), then its own code. Static
 * text, so that the Content-Security-Policy can allow exactly it by hash; what depends on the
 * settings (cookie names) reaches it through data- attributes.
 * It never stores the token: in cookie mode the browser keeps it in an HttpOnly cookie.
 */
const SCRIPT = `${PAGE_SCRIPT_HELPERS}
/** Sends one request and shows "status" then the body (its token replaced) in the element. */
async function call(id, method, url, options) {
  clear(id);
  const init = requestInit(method, options);
  let status = 0;
  let text;
  try {
    const response = await fetch(url, init);
    status = response.status;
    text = withoutTokens(await response.text(), { token: '(not kept by this page: the HttpOnly cookie carries it)' });
  } catch (error) {
    text = String(error);
  }
  showResult(id, status, text);
}

document.getElementById('login').addEventListener('submit', (event) => {
  event.preventDefault();
  const form = event.currentTarget;
  const json = { username: form.elements.username.value, password: form.elements.password.value };
  form.elements.password.value = '';
  call('login-result', 'POST', '/api-token-auth/', { json });
});
const buttons = {
  'get-protected': ['get-result', 'GET', '/protected-url/', {}],
  'post-protected': ['post-result', 'POST', '/protected-url/', { csrf: true }],
  refresh: ['refresh-result', 'POST', '/api-token-refresh/', { csrf: true }],
  logout: ['logout-result', 'POST', '/api-token-revoke/', { csrf: true }],
};
for (const [id, args] of Object.entries(buttons)) {
  document.getElementById(id).addEventListener('click', () => call(...args));
}
if (config.cookieMode === 'on' && config.cookieSecure === 'true' && !window.isSecureContext) {
  document.getElementById('insecure').hidden = false;
}
showReadableCookies();
`;

const STYLE = `
body { font-family: system-ui, sans-serif; max-width: 46rem; margin: 2rem auto; padding: 0 1rem; }
section { margin: 1.5rem 0; }
pre { background: #f4f4f4; padding: 0.5rem; white-space: pre-wrap; word-break: break-all; min-height: 1.2em; }
.warning { color: #a00; }
`;

const hash = (text: string): string => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;

/**
 * Only this page's own script (the drf-jwt one or the simplejwt one) and style run, requests go to this origin only, and forms post
 * only here; the empty data: icon keeps the browser from asking for /favicon.ico.
 */
const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  `script-src ${hash(SCRIPT)} ${hash(SIMPLEJWT_SCRIPT)}`,
  `style-src ${hash(STYLE)}`,
  "connect-src 'self'",
  'img-src data:',
  "form-action 'self'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');

const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * GET /: a page that logs in and calls the API with the token cookie (cookie mode), no framework;
 * when the sample speaks simplejwt with its cookie mode (JWT_REFRESH_COOKIE), or only simplejwt,
 * the simplejwt page (simplejwt-page.ts) instead.
 */
@ApiExcludeController()
@Public()
@Controller()
export class PageController {
  private readonly html: string;

  constructor(@Inject(JWT_AUTH_CONFIG) settings: JwtAuthConfig, config: ConfigService) {
    const env = (name: string) => config.get<string>(name);
    const protocol = tokenProtocolFromEnv(env);
    const simpleJwt = simpleJwtFromEnv(env);
    this.html =
      protocol === 'simplejwt' || (protocol === 'both' && simpleJwt?.refreshCookie !== undefined)
        ? renderSimpleJwtPage(settings, simpleJwt?.refreshCookie, readString(env, 'JWT_AUTH_HEADER_TYPES'))
        : renderPage(settings);
  }

  @Get()
  @Header('Content-Type', 'text/html; charset=utf-8')
  @Header('Content-Security-Policy', CONTENT_SECURITY_POLICY)
  page(): string {
    return this.html;
  }
}

function renderPage(settings: JwtAuthConfig): string {
  const cookie = settings.authCookie;
  const csrf = settings.csrf;
  const mode =
    cookie === undefined
      ? `<p id="cookie-mode" class="warning">Cookie mode is off: start the sample with
  <code>JWT_AUTH_COOKIE=jwt</code>. Without it the token only comes back in the response body,
  which this page does not keep, so the calls below are refused.</p>`
      : `<p id="cookie-mode">Cookie mode is on: the browser keeps the token in the HttpOnly cookie
  <code>${escapeHtml(cookie.name)}</code>, which this page's script cannot read.${
    csrf === undefined
      ? ''
      : ` Unsafe requests repeat the readable <code>${escapeHtml(csrf.cookieName)}</code> cookie
  in the <code>${escapeHtml(csrf.headerName)}</code> header.`
  }</p>`;
  const data = {
    'cookie-mode': cookie === undefined ? 'off' : 'on',
    'cookie-secure': String(cookie?.secure ?? false),
    'csrf-cookie': csrf?.cookieName ?? '',
    'csrf-header': csrf?.headerName ?? '',
  };
  return renderShell(
    data,
    `<h1>nest-rest-jwt sample</h1>
${mode}
<p id="insecure" class="warning" hidden>This page is not a secure context (plain http on a host
other than localhost), so the browser drops the Secure token cookie: use https, or
<code>JWT_AUTH_COOKIE_SECURE=false</code> for a local try.</p>
<p>Cookies this page's script can read: <span id="readable-cookies"></span></p>
<section>
<h2>Log in</h2>
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
<button id="post-protected" type="button">POST /protected-url/ (with the CSRF header)</button>
<pre id="post-result"></pre>
<button id="refresh" type="button">Refresh the token</button>
<pre id="refresh-result"></pre>
<button id="logout" type="button">Log out</button>
<pre id="logout-result"></pre>
</section>`,
    SCRIPT,
  );
}

/**
 * The simplejwt page. The sample sets no `csrf` option, so its CSRF cookie and header are the
 * module's defaults (the same names as the drf-jwt cookie mode's, when that is on too).
 */
function renderSimpleJwtPage(settings: JwtAuthConfig, refreshCookie: string | undefined, headerTypes?: string): string {
  const { data, body } = simpleJwtPageParts(
    {
      refreshCookie,
      headerType: headerTypes?.split(',')[0]?.trim() || 'Bearer',
      csrfCookie: settings.csrf?.cookieName ?? 'csrftoken',
      csrfHeader: settings.csrf?.headerName ?? 'X-CSRFToken',
    },
    escapeHtml,
  );
  return renderShell(data, body, SIMPLEJWT_SCRIPT);
}

/** The HTML document around a page's body: data- attributes for its script, then the script. */
function renderShell(data: Record<string, string>, body: string, script: string): string {
  const attributes = Object.entries(data)
    .map(([name, value]) => ` data-${name}="${escapeHtml(value)}"`)
    .join('');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>nest-rest-jwt sample</title>
<link rel="icon" href="data:,">
<style>${STYLE}</style>
</head>
<body${attributes}>
${body}
<script>${script}</script>
</body>
</html>
`;
}
