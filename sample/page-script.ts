/**
 * The start of both sample pages' scripts (the drf-jwt page's in page.controller.ts, the simplejwt
 * page's in simplejwt-page.ts): strict mode, `config` (the body's data- attributes) and the helpers
 * the two share. Each page's script is this text followed by its own, so it stays static text that
 * the Content-Security-Policy allows by hash.
 */
export const PAGE_SCRIPT_HELPERS = `
'use strict';
const config = document.body.dataset;

/** A readable cookie's value (the CSRF cookie); the token cookies are HttpOnly, so never found here. */
function readCookie(name) {
  for (const part of document.cookie.split('; ')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq) === name) return decodeURIComponent(part.slice(eq + 1));
  }
  return undefined;
}

function showReadableCookies() {
  const names = document.cookie === '' ? [] : document.cookie.split('; ').map((part) => part.split('=')[0]);
  document.getElementById('readable-cookies').textContent = names.length ? names.join(', ') : '(none)';
}

/** The body as shown: each token field named in notes is replaced by its note, so that the page shows no copy. */
function withoutTokens(text, notes) {
  try {
    const data = JSON.parse(text);
    if (data !== null && typeof data === 'object') {
      for (const [field, note] of Object.entries(notes)) {
        if (typeof data[field] === 'string') data[field] = note;
      }
    }
    return JSON.stringify(data);
  } catch {
    return text;
  }
}

/** fetch's options for one request: the CSRF header when options.csrf, options.json as a JSON body. */
function requestInit(method, options, headers = {}) {
  if (options.csrf) {
    const value = readCookie(config.csrfCookie);
    if (value !== undefined) headers[config.csrfHeader] = value;
  }
  let body;
  if (options.json !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(options.json);
  }
  return { method, headers, body, credentials: 'same-origin' };
}

/** Empties a result element while its request runs. */
function clear(id) {
  const out = document.getElementById(id);
  for (const name of Object.keys(out.dataset)) delete out.dataset[name];
  out.textContent = '...';
}

/** Shows "status" then the text in the element, with extra as data- attributes; data-status is set last, for tests. */
function showResult(id, status, text, extra) {
  const out = document.getElementById(id);
  out.textContent = status + '\\n' + text;
  for (const [name, value] of Object.entries(extra ?? {})) out.dataset[name] = value;
  out.dataset.status = String(status);
  showReadableCookies();
}
`;
