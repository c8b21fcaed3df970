/** What Express and Fastify record of the route that matched a request. */
interface RoutedRequest {
  /** Express: the route whose handler runs, `path` as registered (prefix and version included). */
  route?: { path?: unknown };
  /** Fastify (v4+): the options of the matched route, `url` as registered. */
  routeOptions?: { url?: unknown };
}

/**
 * The declared path of the route the router chose for this request (`/api/users/:id`), not the
 * path the client sent: whatever the request's case, encoding, dot segments or trailing slash,
 * this is the path of the handler that runs. Undefined when the adapter recorded none (an
 * Express middleware mount such as Apollo's `/graphql`).
 */
export function routeTemplateOf(request: object): string | undefined {
  const routed = request as RoutedRequest;
  const express = routed.route?.path;
  if (typeof express === 'string') return express;
  const fastify = routed.routeOptions?.url;
  return typeof fastify === 'string' ? fastify : undefined;
}
