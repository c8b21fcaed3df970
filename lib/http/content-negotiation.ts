import type { HttpRequestLike } from '../transport/http-adapter.js';
import { mediaTypeMatches } from '../transport/media-type.js';

/**
 * The media types upstream's default renderers produce: JSONRenderer's, and the browsable
 * API's HTML. The module answers JSON to both (it has no browsable API: see the README).
 */
const RENDERED_TYPES = ['application/json', 'text/html'] as const;

/**
 * DRF's DefaultContentNegotiation.select_renderer: whether some entry of the Accept header (`*\/*`
 * when none is sent) is satisfied by a renderer. It matches as DRF does: `q` is ignored (even
 * `q=0`), `*` stands for anything, and an empty header accepts nothing.
 */
export function acceptsRenderedType(request: HttpRequestLike): boolean {
  const header = request.headers.accept;
  const accept = Array.isArray(header) ? header.join(', ') : (header ?? '*/*');
  return accept
    .split(',')
    .map((entry) => entry.trim())
    .some((entry) => RENDERED_TYPES.some((rendered) => mediaTypeMatches(rendered, entry)));
}
